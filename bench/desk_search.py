"""Benchmark: the call-taker's desk typing search (`portal.finder`) at the size of a real city —
Beijing's 16 districts, ~340 streets and ~7,000 communities, a taxonomy of 1,000 leaf categories —
for category and place queries (pinyin initials, full pinyin, Chinese, several words) and for the
places an address names. Pure Python, no database: the index is built from synthetic names made
of real Chinese place and category syllables.

    .venv/bin/python bench/desk_search.py [--communities 7000] [--categories 1000] [--runs 50]

Prints the time to build each index (once per process, and whenever a region or category changes
or the reference cache's 60 s expire) and p50/p95 per query. The machine is shared: figures are
noisy; compare them within a run.
"""

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

SYLLABLES = (
    "和平安贞朝阳东城西城海淀丰台石景山门头沟房山通州顺义昌平大兴怀柔平谷密云延庆望京酒仙桥"
    "亚运村小关左家庄三里屯团结湖八里庄双井劲松潘家园十八里店南磨房高碑店将台太阳宫大屯奥运村"
    "胜古南里北里东里西里花园新村家园小区华苑安华育慧惠新和平里青年湖交道口北新桥东四景山"
)
PLACE_KINDS = ("社区", "村")
CATEGORY_WORDS = [
    "暖气",
    "漏水",
    "不热",
    "停水",
    "停电",
    "燃气",
    "噪音",
    "占道",
    "垃圾",
    "物业",
    "电梯",
    "楼牌号",
    "路灯",
    "井盖",
    "绿化",
    "违建",
    "入学",
    "社保",
    "医保",
    "公积金",
    "户籍",
    "居住证",
    "劳动",
    "工资",
    "消费",
    "退费",
    "交通",
    "公交",
    "出租车",
    "停车",
    "施工",
    "扰民",
    "油烟",
]
QUERIES = {
    "category": ["nq", "nqls", "nuanqi", "暖气", "漏水", "供暖 漏水", "dt", "gjj"],
    "place": ["hpj", "hepingjie", "和平街", "朝阳 和平", "sgn", "望京", "wj", "cy"],
}
ADDRESSES = ["朝阳区和平街胜古南里12号楼", "望京西园三区105号楼", "东城区交道口北二条5号"]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def name(rng, low=2, high=4):
    start = rng.randrange(len(SYLLABLES) - high)
    return SYLLABLES[start : start + rng.randint(low, high)]


def place_entries(communities: int, rng):
    from departments.place_finder import short_name
    from portal.finder import Entry

    entries = []
    districts = [f"{name(rng, 2, 2)}区" for _ in range(16)]
    streets = [(f"{name(rng)}街道", rng.choice(districts)) for _ in range(340)]
    for i, district in enumerate(districts):
        entries.append(
            Entry(key=("d", i), names=(district,), short=(short_name(district),), order=(2,))
        )
    for i, (street, district) in enumerate(streets):
        entries.append(
            Entry(
                key=("s", i),
                names=(street,),
                path=(district,),
                short=(short_name(street),),
                order=(3,),
            )
        )
    for i in range(communities):
        street, district = rng.choice(streets)
        community = name(rng) + rng.choice(PLACE_KINDS if i % 10 else ("社区",))
        entries.append(
            Entry(
                key=("c", i),
                names=(community,),
                path=(street, district),
                short=(short_name(community),),
                order=(4,),
            )
        )
    # the ones the queries look for
    entries.append(Entry(key="hpj", names=("和平街街道",), path=("朝阳区",), short=("和平街",)))
    entries.append(
        Entry(key="sgn", names=("胜古南社区",), path=("和平街街道", "朝阳区"), short=("胜古南",))
    )
    return entries


def category_entries(leaves: int, rng):
    from portal.finder import Entry

    entries = []
    tops = [w + "服务" for w in rng.sample(CATEGORY_WORDS, 20)]
    for i in range(leaves):
        top = rng.choice(tops)
        middle = rng.choice(CATEGORY_WORDS) + "管理"
        leaf = rng.choice(CATEGORY_WORDS) + rng.choice(CATEGORY_WORDS)
        entries.append(
            Entry(
                key=i,
                names=(leaf,),
                path=(top, middle),
                keywords=tuple(rng.sample(CATEGORY_WORDS, 3)),
                order=(i,),
            )
        )
    return entries


def timed(fn, runs):
    fn()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communities", type=int, default=7000)
    parser.add_argument("--categories", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()
    from portal.finder import Index

    rng = random.Random(14)
    places, categories = (
        place_entries(args.communities, rng),
        category_entries(args.categories, rng),
    )
    for label, entries in (("places", places), ("categories", categories)):
        started = time.perf_counter()
        Index(entries)
        first = time.perf_counter() - started
        started = time.perf_counter()
        Index(entries)
        again = time.perf_counter() - started
        print(
            f"index of {len(entries):,} {label}: built in {first * 1000:.0f} ms "
            f"(first, pinyin looked up), {again * 1000:.0f} ms (again, readings cached)"
        )
    indexes = {"place": Index(places), "category": Index(categories)}
    print(f"\n{'query':<24} {'results':>7} {'p50 ms':>8} {'p95 ms':>8}")
    for what, queries in QUERIES.items():
        for query in queries:
            found = indexes[what].search(query)
            times = timed(lambda q=query, w=what: indexes[w].search(q), args.runs)
            print(
                f"{what + ': ' + query:<24} {len(found):>7} "
                f"{statistics.median(times):>8.2f} {percentile(times, 0.95):>8.2f}"
            )
    for address in ADDRESSES:
        found = indexes["place"].found_in(address)
        times = timed(lambda a=address: indexes["place"].found_in(a), args.runs)
        print(
            f"{'address: ' + address[:12]:<24} {len(found):>7} "
            f"{statistics.median(times):>8.2f} {percentile(times, 0.95):>8.2f}"
        )


if __name__ == "__main__":
    main()
