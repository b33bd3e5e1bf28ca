from .article import Article, ArticleUse, ArticleVersion, Audience

__all__ = ["Article", "ArticleUse", "ArticleVersion", "Audience"]
