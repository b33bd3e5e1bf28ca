"""A held-out set for the category suggestions: texts written by hand for this test, NOT produced
by the demo generator (`portal/demo/descriptions.py`) and phrased differently from it on purpose:
operator summaries (来电人反映…), long-winded callers, terse texts, other words for the same
thing. Two or more per leaf category of the demo taxonomy, (leaf code, text).

Do not tune the generator's texts or the demo keywords to these; they measure how the classifier
does on words it has not been shown.
"""

# Long lines: one text per line reads better than wrapped Chinese.
HELDOUT: list[tuple[str, str]] = [
    # 住房 › 物业管理 › 物业服务质量
    (
        "housing.property.service",
        "来电人反映小区物业长期不履职，单元楼道无人清扫，灰尘和杂物堆积，请督促物业公司改进。",
    ),
    (
        "housing.property.service",
        "我们交了钱物业啥事都不干 院子里的落叶堆了一个月 保洁员都辞了也没补人",
    ),
    ("housing.property.service", "小区大门的道闸坏了一直抬着杆 谁都能进 跟物业经理说了好几回了"),
    # 物业费
    (
        "housing.property.fee",
        "咨询：物业公司单方面上调收费标准，每月每平方米多收了八毛钱，是否需要经过业主同意？",
    ),
    ("housing.property.fee", "物业让我补交三年的管理费还要交滞纳金，我之前房子一直空着的"),
    # 楼牌号缺失
    ("housing.property.plate", "我们院里好几栋楼外墙上都没有号码，朋友来了转半天找不到是几号楼"),
    ("housing.property.plate", "快递小哥天天给我打电话问楼在哪儿，楼上那个标号的牌子早就没了"),
    # 小区停车
    (
        "housing.property.parking",
        "小区里的停车位物业只给租不给买，月租还年年涨，业主自己家门口停车也要排队",
    ),
    ("housing.property.parking", "有个业主在公共车位上焊了个铁架子把位子占了，物业说管不了"),
    # 电梯故障
    ("housing.property.elevator", "单元的升降梯三天两头出毛病，昨天我家老爷子被关在里面二十分钟"),
    (
        "housing.property.elevator",
        "来电人称所住高层住宅电梯停运多日，物业称等待零件，居民上下楼困难。",
    ),
    # 多方纠纷
    (
        "housing.property.dispute",
        "我们小区新成立的业主委员会和物业公司闹矛盾，双方互相告，小区管理一团乱",
    ),
    (
        "housing.property.dispute",
        "业主投票决定换掉物业，原来的物业公司赖着不走，还拉走了小区的资料",
    ),
    # 老旧小区改造 › 加装电梯
    (
        "housing.renovation.elevator",
        "我们这栋八十年代的老楼没有电梯，几户高层的老人想申请在楼外加一部电梯，不知道从哪入手",
    ),
    (
        "housing.renovation.elevator",
        "加梯的事情全单元就差一楼一户签字，他不签就办不了，能不能帮忙做做工作",
    ),
    # 管线改造
    (
        "housing.renovation.pipes",
        "院里搞改造换上水管，把我家厨房的管子截了一半就走了，三天了没人回来接",
    ),
    ("housing.renovation.pipes", "老旧小区更换下水立管，工人把楼道弄得全是碎砖烂瓦，也不收拾"),
    # 外墙保温
    ("housing.renovation.insulation", "楼外面在贴保温层，架子从夏天搭到现在还没拆，屋里一直暗着"),
    ("housing.renovation.insulation", "去年刚做完的楼体保温今年墙皮就起鼓了，一大片一大片往下掉"),
    # 房屋租赁 › 押金
    ("housing.rental.deposit", "房子退了房东就是不把保证金还我，说要等找到下一个租户再说"),
    (
        "housing.rental.deposit",
        "来电人反映通过中介租房，合同到期退房后中介以卫生问题为由拒退押金两千元。",
    ),
    # 群租房
    ("housing.rental.group", "楼下一套三居室住了二十来个年轻人，屋里全是上下床，天天吵吵闹闹"),
    ("housing.rental.group", "有人把房子改成一间一间的小屋往外租，卫生间都改成住人的了"),
    # 城乡建设 › 施工安全
    ("construction.site.safety", "旁边盖楼的那个工地，吊车吊着东西从马路上空过，下面还有人走"),
    ("construction.site.safety", "工地的铁皮挡板被风刮歪了，随时可能砸到过路的人"),
    # 渣土
    ("construction.site.muck", "大货车拉着土从工地出来一路掉，马路上全是泥块子，车一过尘土飞扬"),
    ("construction.site.muck", "夜里有车往我们村口的沟里倒建筑渣子，都快填平了"),
    # 规划公示
    (
        "construction.planning.publicity",
        "小区对面那块地贴出了建设方案，楼盖那么高会不会影响我们采光，想看看具体方案",
    ),
    ("construction.planning.publicity", "想问问我们街道那块空地以后规划建什么，是学校还是商业"),
    # 征收腾退
    (
        "construction.planning.demolition",
        "我家老房子被征收了，给的补偿比隔壁少很多，按什么标准算的",
    ),
    ("construction.planning.demolition", "搬出去五六年了还没回迁，每个月的过渡费也不给了"),
    # 城市管理 › 垃圾分类
    ("city.sanitation.sorting", "楼下只放了一个大绿桶，没法分类投放，分好了也没地儿扔"),
    ("city.sanitation.sorting", "小区规定早七点到九点才能扔垃圾，晚上下班回来只能把垃圾放门口"),
    # 垃圾清运
    ("city.sanitation.clearance", "马路边的垃圾箱好几天没人倒了，塑料袋子散了一地，还招老鼠"),
    (
        "city.sanitation.clearance",
        "来电人反映村口生活垃圾长时间未清运，气味难闻，请环卫部门及时清理。",
    ),
    # 私搭乱建
    ("city.order.illegal_build", "隔壁把院子加盖了一层，用铁皮搭的，挡着我家窗户"),
    ("city.order.illegal_build", "一楼那家把门前的空地圈起来建了个小屋，用来放杂物"),
    # 占道经营
    ("city.order.street_vendor", "每天下午菜贩子把摊子支在人行道上，推婴儿车的根本过不去"),
    ("city.order.street_vendor", "门口那几家饭店把桌椅摆到马路边上，晚上全是喝酒撸串的"),
    # 共享单车
    ("city.order.bike", "小黄车小蓝车堆满了地铁口，人都挤不出去"),
    ("city.order.bike", "好多骑完的单车扔在我们小区门口，把路都挡住了，能不能让公司来拉走"),
    # 小广告
    ("city.order.ads", "楼道里墙上全是办证刻章的电话号码，用喷漆喷的，擦都擦不掉"),
    ("city.order.ads", "有人到处往墙上贴疏通下水的小纸条，刚撕了第二天又贴上"),
    # 道路破损
    ("city.facilities.road", "马路中间有个坑，下雨以后看不见，好几辆电动车在那儿摔了"),
    ("city.facilities.road", "人行道上的地砖碎了好多，坑坑洼洼的，推轮椅走不了"),
    # 路灯
    ("city.facilities.streetlight", "我们小区后边那条路一到晚上漆黑一片，灯杆上的灯好久没亮过了"),
    ("city.facilities.streetlight", "来电人反映某路段照明设施损坏，夜间行人出行存在安全隐患。"),
    # 园林绿化
    ("city.facilities.greening", "楼前的大槐树枝子太长了，都压到电线上了，能不能来人剪剪"),
    ("city.facilities.greening", "路边的一棵老柳树歪了，根都露出来了，怕倒了砸人"),
    # 环境保护 › 施工噪音
    ("environment.noise.construction", "旁边工地天天晚上干活，机器轰隆轰隆的，半夜两点都停不下来"),
    ("environment.noise.construction", "修地铁的工地夜里还在钻地，我们整晚睡不着觉"),
    # 商业噪音
    ("environment.noise.commercial", "楼底下那家酒吧每天放音乐放到后半夜，咚咚咚的我们没法睡"),
    ("environment.noise.commercial", "小区广场上跳舞的大妈把音箱开得震天响，家里孩子没法写作业"),
    # 邻里噪音
    ("environment.noise.neighbour", "楼上住户深更半夜还在家里走来走去，高跟鞋声咚咚的，沟通也不听"),
    ("environment.noise.neighbour", "隔壁养了只大狗，我们一出门它就狂叫，白天晚上都叫"),
    # 餐饮油烟
    ("environment.pollution.fumes", "底下饭店炒菜的烟全从我们家窗户进来了，衣服都是味"),
    ("environment.pollution.fumes", "小区门口的烤串摊每天晚上烟雾缭绕的，呛得人直咳嗽"),
    # 大气污染
    ("environment.pollution.air", "附近有个厂子老往外冒烟，闻着像烧胶皮的味道，晚上更严重"),
    ("environment.pollution.air", "村边空地上有人烧电缆皮，黑烟一股一股的"),
    # 河道污染
    ("environment.pollution.water", "小区旁边那条河里的水又黑又臭，还漂着塑料瓶子"),
    ("environment.pollution.water", "有个管子往河里排东西，河面上一层油花"),
    # 交通 › 停车难
    ("transport.parking.shortage", "我们胡同里根本没地方停车，每天晚上转好几圈，能不能规划点车位"),
    ("transport.parking.shortage", "建议在小区附近建个停车场，现在车都停在马路两边"),
    # 违章停车
    ("transport.parking.illegal", "有辆面包车天天停在我们单元门口，救护车都进不来"),
    ("transport.parking.illegal", "路口那儿老有人把车停在人行横道上，交警也不来管"),
    # 公交线路
    ("transport.public.bus_route", "我们这边新小区到地铁站没有公交车，希望能开一条线"),
    ("transport.public.bus_route", "早上等车等了四十分钟一辆都不来，来了也挤不上去"),
    # 出租车网约车
    ("transport.public.taxi", "坐网约车司机故意多绕了一大圈，车费比平时多了一倍"),
    ("transport.public.taxi", "火车站门口的出租车说不去近的地方，非要一口价一百块"),
    # 信号灯
    ("transport.facilities.signal", "路口的红灯绿灯都不亮了，车和人乱穿，太危险了"),
    ("transport.facilities.signal", "那个十字路口行人绿灯才十几秒，老年人根本走不过去"),
    # 供水 › 停水
    ("water.supply.outage", "家里水龙头拧开一滴水都没有，也没看到通知，整个小区都这样"),
    ("water.supply.outage", "来电人反映所住小区自上午起无供水，未见停水公告，询问恢复时间。"),
    # 水质
    ("water.supply.quality", "水管里出来的水有股铁锈味，颜色也不对，还能喝吗"),
    ("water.supply.quality", "自来水接到杯子里放一会儿底下有黑色的渣子"),
    # 水压
    ("water.supply.pressure", "我们家住高层，水龙头出水特别小，洗个澡都费劲"),
    ("water.supply.pressure", "楼上几户一到做饭的时候就没水压了，热水器根本点不着"),
    # 污水积水
    ("water.drainage.sewage", "楼前的下水井堵了，脏水漫出来流得满地都是，臭气熏天"),
    ("water.drainage.sewage", "一下大雨桥底下就成了河，车都泡在里面了"),
    # 供电 › 停电
    ("power.supply.outage", "我们这整个片区突然没电了，冰箱空调全停了，也没人通知"),
    ("power.supply.outage", "家里断电一下午了，电费是交了的，邻居家也都没电"),
    # 电压
    ("power.supply.voltage", "一到晚上家里灯就忽明忽暗的，微波炉都转不起来"),
    ("power.supply.voltage", "电压时高时低，家里的冰箱压缩机都烧了"),
    # 充电桩
    ("power.supply.charging", "我想在小区车位上装一个给电动汽车充电的桩子，物业一直不给盖章"),
    ("power.supply.charging", "咨询新能源汽车家用充电设施怎么申请安装"),
    # 燃气 › 泄漏
    ("gas.supply.leak", "楼道里一股天然气的味道特别冲，我怕出事，赶紧来人看看"),
    ("gas.supply.leak", "家里厨房闻到煤气味了，是不是管子漏了，我把窗户都打开了"),
    # 停气及表故障
    ("gas.supply.outage", "家里的天然气突然没了，灶眼打不着，表里明明还有钱"),
    ("gas.supply.outage", "我家燃气表屏幕一直显示故障，买了气也用不了"),
    # 供暖 › 温度
    ("heating.service.temperature", "今年屋里冷得跟冰窖似的，温度计才十四五度，老人都冻病了"),
    (
        "heating.service.temperature",
        "来电人反映供暖期室内温度长期低于十八摄氏度，要求供热单位入户测温。",
    ),
    # 暖气不热
    ("heating.service.radiator", "家里的暖气片摸着一点温度都没有，别人家都热"),
    ("heating.service.radiator", "暖气只有上面一点点热，下面全是凉的，是不是有空气"),
    # 暖气漏水
    ("heating.service.leak", "卫生间的暖气管子接头那儿一直滋水，地上已经积了一大片"),
    ("heating.service.leak", "楼道里的暖气漏水了，楼梯上全是水"),
    # 供暖费
    ("heating.service.fee", "我家去年冬天没住人，采暖费能不能少交一些"),
    ("heating.service.fee", "咨询采暖费报销，原单位已经不在了，现在找哪个部门报"),
    # 劳动 › 拖欠工资
    ("labour.wages.arrears", "我在一家公司上班，老板两个月没发钱了，一直说下个月发"),
    ("labour.wages.arrears", "离职了公司扣着最后一个月的薪水不给，还说我违约"),
    # 农民工欠薪
    ("labour.wages.migrant", "我们在工地上干了大半年活，包工头一直拖着不给钱，现在人也联系不上了"),
    ("labour.wages.migrant", "来电人称其所在施工队二十余名工人被拖欠劳务费，要求协调发放。"),
    # 社保
    ("labour.insurance.contribution", "单位从来没给我上过保险，我干了一年多了，这样合法吗"),
    ("labour.insurance.contribution", "我想问问换了工作以后之前交的五险怎么转过来"),
    # 养老金
    ("labour.insurance.pension", "我母亲今年退休了，退休金怎么还没发下来"),
    ("labour.insurance.pension", "想问问办退休需要带什么证件，去哪个窗口"),
    # 失业金
    (
        "labour.insurance.unemployment",
        "我被单位裁员了，现在没有收入，听说能领一笔失业补助，怎么申请",
    ),
    ("labour.insurance.unemployment", "咨询失业保险待遇的申领条件和发放标准"),
    # 市场监管 › 食品安全
    ("market.food.safety", "在超市买的面包打开里面全是绿毛，保质期还没过"),
    ("market.food.safety", "小区门口那家饭店卫生太差了，碗筷都没洗干净，吃完肚子疼"),
    # 消费纠纷
    ("market.consumer.dispute", "在一家美发店充了五千块钱的会员，现在店关门了，老板电话也打不通"),
    ("market.consumer.dispute", "买的洗衣机用了一个月就坏了，商家说不在保修范围"),
    # 价格
    ("market.consumer.price", "小卖部卖的东西价签跟结账的时候不一样，多收了钱"),
    ("market.consumer.price", "菜市场卖肉的秤有问题，回家一称少了三两"),
    # 外卖订单
    ("market.platform.delivery", "手机上点的餐等了两个小时都没送来，申请退款平台不同意"),
    ("market.platform.delivery", "外卖送来的饭菜跟我点的不一样，平台让我找商家，商家让我找平台"),
    # 骑手权益
    ("market.platform.rider", "我在平台上送餐，因为差评被扣了两百块，申诉都不给处理"),
    ("market.platform.rider", "送外卖的时候被车撞了，站点说我们不是他们的员工，不管医药费"),
    # 教育 › 入学
    ("education.school.enrollment", "孩子今年六岁该上一年级了，我们是外地户口，需要准备什么证明"),
    ("education.school.enrollment", "买了房子落了户，孩子能不能上附近的小学"),
    # 幼儿园
    ("education.school.kindergarten", "家门口的公立园名额太少，抽签没抽上，孩子没地方上学"),
    ("education.school.kindergarten", "小区里建的那个幼儿园一直空着不开，什么时候能招生"),
    # 培训退费
    ("education.training.refund", "给孩子报的美术班上了几节课就关门了，剩下的学费要不回来"),
    ("education.training.refund", "学车交了钱教练一直不约课，想退钱驾校不给退"),
    # 医疗 › 医院服务
    ("health.medical.hospital", "在医院排了半天队，大夫看了不到两分钟就让走了，问什么都不说"),
    ("health.medical.hospital", "医院的专家号网上永远挂不上，门口却有人倒卖"),
    # 疫苗
    ("health.medical.vaccination", "孩子该打第二针百白破了，社区医院说没有疫苗了"),
    ("health.medical.vaccination", "被猫抓了一下，哪里可以打狂犬病疫苗"),
    # 医保报销
    ("health.insurance.reimbursement", "在老家看病花的钱回北京能报多少，要开什么单据"),
    ("health.insurance.reimbursement", "门诊看病刷了医保卡，为什么报销比例这么低"),
    # 公共安全 › 消防
    ("safety.hazard.fire", "楼道里有人从窗户拉根线下来给电瓶车充电，这个太危险了"),
    ("safety.hazard.fire", "楼梯间堆了好多旧家具和纸箱子，着起火来人都跑不出去"),
    # 井盖
    ("safety.hazard.manhole", "路边有个下水道口盖子没有了，就用个塑料桶挡着"),
    ("safety.hazard.manhole", "人行道上的窨井盖翻了，一脚踩空差点掉下去"),
    # 高空坠物
    ("safety.hazard.falling", "我们楼上有块外墙的砖松了，风一吹就往下掉渣，下面是过道"),
    ("safety.hazard.falling", "隔壁楼有人往下扔垃圾，差点砸到楼下的小孩"),
    # 民政 › 养老
    ("civil.elderly.service", "我家老人八十多了腿脚不好，社区能不能派人上门帮忙洗澡做饭"),
    ("civil.elderly.service", "想给母亲找个离家近的养老机构，公办的怎么排队"),
    # 困难救助
    ("civil.assistance.relief", "家里孩子生病花光了积蓄，现在吃饭都困难，有没有什么补助"),
    ("civil.assistance.relief", "我残疾了不能工作，想问问能不能吃低保"),
    # 政务服务 › 办事咨询
    ("gov.affairs.consult", "想开一个小卖部，营业执照在哪里申请，要什么材料"),
    ("gov.affairs.consult", "我去办房产证，窗口让我回去开证明，跑了三趟了还没办下来"),
    # 居住证
    ("gov.affairs.residence", "外地人在北京租房住，想办个居住证给孩子上学用，怎么办"),
    ("gov.affairs.residence", "我的居住证过期了，续期要去派出所吗"),
    # 文旅 › 景区
    ("culture.tourism.scenic", "跟团去长城，导游中途把我们拉到玉器店，不买就不让走"),
    ("culture.tourism.scenic", "颐和园门口有人冒充工作人员卖高价票"),
    # 演出票务
    ("culture.tourism.performance", "买了话剧票，剧院临时取消了，只给退一半票款"),
    ("culture.tourism.performance", "音乐节的门票官方渠道一秒售空，二手平台上加价好几倍"),
    # 通信
    ("telecom.service.broadband", "家里网络天天掉线，打了客服电话说安排师傅，一个星期了没人来"),
    ("telecom.service.broadband", "我们小区手机没信号，在屋里打电话得跑到阳台上"),
    # 表扬 › 单位
    ("praise.feedback.unit", "上次反映的路灯问题，你们那边两天就修好了，特地打电话来说声谢谢"),
    ("praise.feedback.unit", "感谢街道办把我们小区门口的垃圾清理干净了，效率真高"),
    # 政务 › 个人信息查阅、更正与删除
    ("gov.affairs.privacy", "你们热线把我的手机号记错了一位，后面的短信我都收不到，帮我改过来"),
    ("gov.affairs.privacy", "去年投诉楼上噪音留过身份证号，现在不想让你们留着了，能注销吗"),
    # 表扬 › 工作人员
    ("praise.feedback.staff", "想表扬一下上门修水管的那位师傅，冒着雨来的，干完活水都不喝一口"),
    ("praise.feedback.staff", "社区的小张姑娘帮我这个孤寡老人跑前跑后办手续，真是好人"),
]
