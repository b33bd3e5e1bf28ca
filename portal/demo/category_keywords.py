"""Keywords of the demo taxonomy's leaf categories: the words and short phrases residents use
for each, as a hotline would enter them in the admin (Tickets › Categories › keywords). The demo
loader fills them into categories whose keywords are still empty; the suggestions' cold start
(`suggestions.sources.seed_samples`) learns from them with the category names and paths.
"""

KEYWORDS: dict[str, str] = {
    "housing.property.service": (
        "物业不作为 物业服务差 保洁 楼道垃圾 没人打扫 门禁坏了 保安 门岗 物业报修 楼道灯 "
        "绿化修剪 扫雪 监控坏了 物业态度差 物业电话没人接 物业不管"
    ),
    "housing.property.fee": (
        "物业费 物业费涨价 物业收费 空置房 物业费减免 公摊费 公摊电费 欠费 催缴物业费 "
        "物业账目公示 预交物业费 停门禁卡 收费标准"
    ),
    "housing.property.plate": (
        "楼牌号 楼号牌 门牌号 单元号 楼号 没有楼牌 找不到楼 门牌缺失 指示牌 夜光楼牌 "
        "快递找不到 外卖找不到"
    ),
    "housing.property.parking": (
        "小区停车 小区车位 车位 停车费 地库 地锁 停车证 外来车辆 车位出租 车位被占 "
        "小区停车管理 业主停车"
    ),
    "housing.property.elevator": (
        "电梯 电梯坏了 电梯故障 电梯停运 困人 电梯异响 电梯维修 电梯年检 电梯门 "
        "电梯按钮 电梯安全 平层"
    ),
    "housing.property.dispute": (
        "业委会 业主大会 业主委员会 选聘物业 更换物业 物业撤场 新老物业 维修基金 "
        "公共收益 物业合同 业主纠纷 物业交接"
    ),
    "housing.renovation.elevator": (
        "加装电梯 装电梯 老楼加电梯 加梯 一楼不同意 电梯补贴 费用分摊 加装电梯审批 "
        "老旧小区电梯 意见书"
    ),
    "housing.renovation.pipes": (
        "老旧小区改造 管线改造 上下水改造 管道改造 换水管 换暖气管 换燃气管 施工队 "
        "改造施工 综合整治 线缆改造"
    ),
    "housing.renovation.insulation": (
        "外墙保温 保温层 脚手架 外墙改造 外立面 保温板 外墙开裂 外墙渗水 防护网 外墙涂料"
    ),
    "housing.rental.deposit": (
        "押金 退押金 租房押金 中介费 房东 租客 退租 扣押金 长租公寓 二房东 租赁合同 租金"
    ),
    "housing.rental.group": (
        "群租房 群租 隔断 打隔断 隔成小间 上下铺 床位出租 住很多人 出租屋 二房东隔断"
    ),
    "construction.site.safety": (
        "工地 施工安全 塔吊 围挡 基坑 脚手架 安全帽 安全带 高空作业 工地隐患 施工现场"
    ),
    "construction.site.muck": (
        "渣土车 渣土 遗撒 撒土 建筑垃圾 偷倒 倾倒渣土 车轮带泥 泥土 苫盖 运输车"
    ),
    "construction.planning.publicity": (
        "规划公示 规划 规划图 建设规划 日照 挡光 规划许可 用地性质 规划调整 规划意见"
    ),
    "construction.planning.demolition": (
        "拆迁 征收 腾退 补偿款 安置房 回迁 周转费 评估价 强拆 拆迁补偿 回迁房"
    ),
    "city.sanitation.sorting": (
        "垃圾分类 厨余垃圾 其他垃圾 桶站 分类桶 定时投放 垃圾桶撤了 分类指导员 可回收物"
    ),
    "city.sanitation.clearance": (
        "垃圾清运 垃圾没人拉 垃圾堆积 垃圾满了 垃圾站 清运车 环卫 装修垃圾 垃圾成堆 苍蝇"
    ),
    "city.order.illegal_build": (
        "私搭乱建 违建 违章建筑 违法建设 私自扩建 阳光房 彩钢房 搭棚子 加盖 圈占绿地"
    ),
    "city.order.street_vendor": (
        "占道经营 摆摊 摊贩 流动商贩 出摊 占用人行道 店外经营 马路市场 夜市 占道"
    ),
    "city.order.bike": (
        "共享单车 单车 乱停乱放 共享电单车 自行车堆放 单车堵路 单车企业 哈啰 美团单车"
    ),
    "city.order.ads": ("小广告 乱贴 喷涂 电话号码 开锁广告 办证广告 传单 牛皮癣 涂鸦"),
    "city.facilities.road": (
        "道路破损 路面 大坑 坑洼 塌陷 人行道砖 路面开裂 减速带 护栏 修路 路面不平"
    ),
    "city.facilities.streetlight": ("路灯 路灯不亮 路灯坏了 灯不亮 照明 太黑 路灯杆 灯闪 天桥灯"),
    "city.facilities.greening": (
        "树木 修剪树枝 杨絮 柳絮 绿化 园林 树倒了 病虫害 砍树 补种 绿化带 草坪"
    ),
    "environment.noise.construction": (
        "施工噪音 夜间施工 工地扰民 打桩 浇筑 施工吵 夜间施工许可 电锯 破碎锤 机器轰鸣"
    ),
    "environment.noise.commercial": (
        "噪音 商业噪音 广场舞 音响 喇叭 KTV 酒吧 烧烤店吵 空调外机噪音 喧哗 营业到凌晨"
    ),
    "environment.noise.neighbour": (
        "邻居噪音 楼上噪音 楼上跳 跑跳 砸墙 装修噪音 狗叫 震楼器 邻里纠纷 拖椅子 打麻将"
    ),
    "environment.pollution.fumes": (
        "油烟 餐饮油烟 油烟机 排烟 烟道 油烟净化 露天烧烤 饭馆油烟 炸东西"
    ),
    "environment.pollution.air": (
        "空气污染 大气污染 异味 刺鼻气味 焚烧 烧垃圾 黑烟 烟囱 扬尘 粉尘 喷漆 臭味"
    ),
    "environment.pollution.water": (
        "河道 河流污染 河水 水体 排污 偷排 污水排放 死鱼 河沟发臭 水藻 排污口"
    ),
    "transport.parking.shortage": (
        "停车难 没有车位 车位少 停车场 立体车库 停车楼 共享停车 找车位 停车资源"
    ),
    "transport.parking.illegal": (
        "违章停车 违停 乱停车 堵路 占道停车 僵尸车 消防通道停车 拖车 贴条 交警"
    ),
    "transport.public.bus_route": (
        "公交 公交车 公交线路 公交站 班次 末班车 发车间隔 公交司机 站牌 增设线路 甩站"
    ),
    "transport.public.taxi": ("出租车 网约车 打车 司机 拒载 绕路 不打表 黑车 滴滴 出租车投诉 车费"),
    "transport.facilities.signal": (
        "红绿灯 信号灯 交通信号 闪黄灯 路口 左转灯 人行横道 绿灯时间 信号灯坏了"
    ),
    "water.supply.outage": ("停水 没水 断水 供水 来水 自来水 水管爆裂 停水通知 恢复供水 送水车"),
    "water.supply.quality": (
        "水质 水发黄 水浑浊 自来水有味 水垢 消毒水味 水里有虫 二次供水 水箱清洗 饮用水"
    ),
    "water.supply.pressure": ("水压低 水压 水流小 水压不足 加压泵 高层没水 热水器打不着 水量小"),
    "water.drainage.sewage": (
        "污水 冒水 下水道 下水堵 污水井 积水 雨水箅子 化粪池 返水 地漏 排水 反味"
    ),
    "power.supply.outage": ("停电 断电 没电 突然停电 来电 电力抢修 电缆 供电 停电通知 跳闸停电"),
    "power.supply.voltage": (
        "电压 电压低 电压不稳 灯闪 跳闸 电器烧坏 电压忽高忽低 用电高峰 线路老化"
    ),
    "power.supply.charging": (
        "充电桩 新能源车 电动汽车 安装充电桩 报装 充电桩手续 公共充电桩 电容量"
    ),
    "gas.supply.leak": ("燃气泄漏 漏气 煤气味 燃气味 天然气 臭鸡蛋味 液化气 燃气报警 燃气管道漏"),
    "gas.supply.outage": ("燃气表 停气 没气 打不着火 燃气卡 气费 换表 燃气灶 燃气公司 恢复供气"),
    "heating.service.temperature": (
        "供暖温度 室温低 温度不达标 屋里冷 供暖不好 测温 十六度 暖气温度低 家里冷"
    ),
    "heating.service.radiator": (
        "暖气不热 暖气片 暖气凉 暖气不热乎 放气 上热下凉 暖气温乎 暖气堵 一组暖气"
    ),
    "heating.service.leak": (
        "暖气漏水 暖气管漏水 暖气爆管 暖气片漏 试水 泡了地板 放气阀 暖气阀门滴水"
    ),
    "heating.service.fee": ("供暖费 取暖费 采暖费 停暖 报销供暖费 供暖费发票 供暖补贴 热费"),
    "labour.wages.arrears": (
        "拖欠工资 欠薪 不发工资 工资 加班费 老板跑路 讨薪 劳动监察 结工资 克扣工资"
    ),
    "labour.wages.migrant": (
        "农民工 农民工工资 工地欠薪 包工头 总包 工程款 班组 项目部 讨要工钱 工钱"
    ),
    "labour.insurance.contribution": (
        "社保 缴纳社保 社保断缴 社保基数 补缴社保 五险一金 社保转移 灵活就业 不交社保"
    ),
    "labour.insurance.pension": (
        "养老金 退休 退休手续 养老保险 退休金 养老金到账 城乡居民养老 养老金计算"
    ),
    "labour.insurance.unemployment": (
        "失业金 失业保险 失业登记 辞退 申领失业金 离职 失业保险金 领失业金"
    ),
    "market.food.safety": ("食品安全 过期 变质 发霉 吃坏肚子 后厨 卫生差 检疫 食物中毒 异物 食堂"),
    "market.consumer.dispute": (
        "消费纠纷 退款 退货 办卡 预付卡 健身房 美容院 售后 商家不退 维权 质量问题"
    ),
    "market.consumer.price": ("价格 乱收费 明码标价 价格欺诈 缺斤短两 标价 收费标准 高价 物价"),
    "market.platform.delivery": (
        "外卖 外卖平台 订单 送餐超时 平台客服 退款 送错 漏送 优惠券 点外卖"
    ),
    "market.platform.rider": (
        "骑手 外卖骑手 配送员 罚款 封号 站长 送餐超时扣钱 骑手保险 派单 跑外卖"
    ),
    "education.school.enrollment": (
        "入学 上小学 幼升小 小升初 学区 非京籍入学 入学材料 派位 转学 学籍"
    ),
    "education.school.kindergarten": (
        "幼儿园 入园 公办幼儿园 普惠园 学位 托育 幼儿园收费 配套幼儿园 开园"
    ),
    "education.training.refund": ("培训机构 退费 课时费 辅导班 培训班 驾校 课外培训 机构跑路 退课"),
    "health.medical.hospital": (
        "医院 看病 医生 护士 挂号 急诊 排队 医疗服务 号贩子 医院收费 服务态度"
    ),
    "health.medical.vaccination": (
        "疫苗 接种 打疫苗 HPV 流感疫苗 狂犬疫苗 预约接种 疫苗本 接种点 社区卫生服务中心"
    ),
    "health.insurance.reimbursement": (
        "医保 医保报销 报销 异地就医 医保卡 起付线 报销比例 医保目录 自费 住院报销"
    ),
    "safety.hazard.fire": (
        "消防 消防隐患 电动车充电 飞线充电 楼道堆物 消防通道 灭火器 消防栓 安全出口 着火"
    ),
    "safety.hazard.manhole": ("井盖 井盖丢失 井盖缺失 井盖破损 窨井 井盖松动 雨水井 窟窿"),
    "safety.hazard.falling": (
        "高空坠物 外墙瓷砖脱落 空调外机 广告牌 掉东西 高空抛物 花盆 脱落 摇摇欲坠"
    ),
    "civil.elderly.service": ("养老 养老驿站 养老院 老人 助餐 高龄津贴 居家养老 上门服务 老年卡"),
    "civil.assistance.relief": ("低保 救助 临时救助 困难 特困 残疾人补贴 生活困难 流浪 救助站"),
    "gov.affairs.consult": (
        "办事 办理 营业执照 不动产登记 护照 结婚登记 政务服务中心 窗口 材料 手续 网上办"
    ),
    "gov.affairs.residence": ("居住证 办居住证 居住登记 居住证续签 积分落户 暂住证 居住证补办"),
    "gov.affairs.privacy": (
        "个人信息 查阅 复制 更正 删除 撤回同意 隐私 信息泄露 我的信息 个人资料 信息副本"
    ),
    "culture.tourism.scenic": ("景区 旅游 旅行社 导游 旅行团 门票 故宫 长城 购物店 景点 索道"),
    "culture.tourism.performance": (
        "演出 演唱会 门票 票务平台 退票 黄牛 剧场 话剧 音乐会 演出取消"
    ),
    "telecom.service.broadband": (
        "宽带 网络 网速 断网 手机信号 运营商 联通 移动 电信 套餐 5G 光纤"
    ),
    "praise.feedback.unit": ("表扬 感谢 点赞 锦旗 处理及时 效率高 满意 感谢街道 感谢单位 解决得好"),
    "praise.feedback.staff": ("表扬 感谢 工作人员 师傅 同志 书记 警官 负责任 热心 认真 好人好事"),
}
