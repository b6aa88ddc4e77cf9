"""Strategic and industry-wide demands raised by local governments (seed art. 7 and art. 11)."""

from __future__ import annotations

from dataclasses import dataclass

from models import DemandCategory, DemandStatus


@dataclass(frozen=True, slots=True)
class GovernmentDemand:
    government: str
    subfield: str
    category: DemandCategory
    status: DemandStatus
    title: str
    description: str
    budget_wan: tuple[int, int] | None
    """Budget range in 万元, or None when not stated."""


C = DemandCategory
S = DemandStatus

GOVERNMENT_DEMANDS: tuple[GovernmentDemand, ...] = (
    GovernmentDemand(
        "晋江市人民政府", "textile.shoemaking", C.CONSULTING, S.CLOSED,
        "晋江鞋服产业数字化转型与智能制造升级路线图",
        "【需求背景】晋江市现有鞋服企业三千余家，规模以上企业六百余家，产业规模超过三千亿元。"
        "近年来用工成本上升、订单小批量化，多数中小企业仍以人工为主，自动化、数字化水平参差不齐。\n"
        "【咨询内容】请专家团队在调研30家以上代表性企业的基础上，提出鞋服产业数字化转型路线图，"
        "包括制鞋成型线自动化、针车工序柔性化、制鞋MES和工业互联网平台建设的分步实施建议，"
        "以及可复制推广的中小企业“小快轻准”数字化改造方案。\n"
        "【成果形式】咨询报告一份、典型案例汇编一册，并在全市推广会上宣讲。",
        (40, 80),
    ),
    GovernmentDemand(
        "晋江市人民政府", "textile.adhesive", C.RESEARCH, S.CONTRACTED,
        "制鞋行业VOCs源头替代共性技术攻关",
        "晋江制鞋企业胶粘剂、处理剂用量大，VOCs排放是大气污染治理的重点。"
        "多数企业尝试水性胶后出现开胶率上升、干燥能耗增加等问题，替代进展缓慢。"
        "拟由市政府牵头、组织10家骨干鞋企联合出资，请学会组织专家开展水性胶粘剂适配工艺、"
        "低温活化和车间废气收集治理的共性技术攻关，形成可在全行业推广的技术规范。",
        (150, 300),
    ),
    GovernmentDemand(
        "安溪县人民政府", "tea.brand", C.CONSULTING, S.COMPLETED,
        "安溪铁观音产业高质量发展规划咨询",
        "安溪县茶园面积六十万亩，涉茶人口八十万，但近年来铁观音市场份额下滑，"
        "存在品牌溢价不足、产品同质化、茶园生态压力大等问题。"
        "请专家团队围绕品种结构调整、生态茶园建设、清洁化加工和区域公用品牌建设，"
        "提出“十五五”期间安溪茶产业高质量发展的思路与重点任务。",
        (30, 50),
    ),
    GovernmentDemand(
        "安溪县人民政府", "tea.soil", C.KEY_TECHNOLOGY, S.OFFERED,
        "山地茶园水土流失治理与生态茶园建设技术",
        "全县部分山地茶园坡度大、梯壁裸露，雨季水土流失明显，土壤酸化加剧。"
        "希望学会组织茶学、土壤和水土保持方面的专家，选择2–3个乡镇开展生态茶园建设示范，"
        "提出梯壁植草、茶-林复合种植和土壤酸化改良的综合技术方案。",
        None,
    ),
    GovernmentDemand(
        "德化县人民政府", "ceramic.body", C.PLATFORM, S.DOCKED,
        "德化陶瓷产业共性技术研发平台建设",
        "德化是“中国白”的故乡，陶瓷企业三千多家，但以中小微企业为主，研发能力弱。"
        "县政府拟投资建设陶瓷产业共性技术研发平台，重点开展瓷土原料标准化、釉料开发、"
        "窑炉节能和陶瓷检测服务，恳请学会推荐专家团队参与平台规划建设和运营。",
        (200, 500),
    ),
    GovernmentDemand(
        "德化县人民政府", "ceramic.kiln", C.PROMOTION, S.APPROVED,
        "陶瓷窑炉节能技术推广应用",
        "全县现有燃气窑炉两千余座，单位产品能耗偏高。希望推广窑炉余热回收、"
        "智能控温和富氧燃烧等成熟节能技术，组织专家到企业开展节能诊断和技术培训。",
        (20, 40),
    ),
    GovernmentDemand(
        "长汀县人民政府", "env.erosion", C.CONSULTING, S.CLOSED,
        "长汀水土流失治理成果巩固与生态产品价值实现路径",
        "长汀县是南方红壤区水土流失治理的典范，但部分治理区仍存在林分结构单一、"
        "“老头松”林下植被稀少等问题。请专家团队评估治理成效，提出林分改造和生态产品价值实现的路径，"
        "包括林业碳汇开发、生态旅游和生态补偿机制建议。",
        (30, 60),
    ),
    GovernmentDemand(
        "长汀县人民政府", "textile.dyeing", C.KEY_TECHNOLOGY, S.SUBMITTED,
        "纺织园区印染废水深度处理与回用",
        "长汀纺织产业园印染企业集中，废水排放量大，回用率低，园区污水厂压力大。"
        "请专家对园区印染废水处理工艺进行诊断，提出深度处理与中水回用方案。",
        (50, 100),
    ),
    GovernmentDemand(
        "仙游县人民政府", "furn.identification", C.PLATFORM, S.ACCEPTED,
        "仙游红木家具原材料溯源与质量检测平台",
        "仙游古典工艺家具企业众多，红木原料以次充好、材质鉴定难的问题影响了“仙作”品牌信誉。"
        "县政府拟建设红木家具原材料溯源与质量检测公共服务平台，需要木材识别、"
        "DNA条形码鉴定和检测标准方面的专家支持。",
        (100, 200),
    ),
    GovernmentDemand(
        "平潭综合实验区管理委员会", "wind.integration", C.CONSULTING, S.DOCKED,
        "平潭海上风电与海洋牧场融合发展技术路线",
        "平潭海域风能资源丰富，同时是重要的海水养殖区。请专家团队研究海上风电场海域开展"
        "深远海养殖的可行性，提出风渔融合的空间布局、结构安全和运维协同方案。",
        (50, 100),
    ),
    GovernmentDemand(
        "平潭综合实验区管理委员会", "wind.typhoon", C.RESEARCH, S.UNMATCHED,
        "台风频发海域风电场抗台风设计与运行共性技术",
        "平潭海域每年受多个台风影响，风电场台风期停机时间长、设备损伤风险高。"
        "拟组织风电开发企业共同出资，开展台风工况载荷评估、抗台控制策略等共性技术攻关。",
        (200, 400),
    ),
    GovernmentDemand(
        "古田县人民政府", "fungi.substrate", C.RESEARCH, S.COMPLETED,
        "古田食用菌菌渣资源化利用共性技术攻关",
        "古田县年产食用菌菌包数亿袋，废弃菌渣量大，随意堆放造成面源污染。"
        "请专家研究菌渣堆肥化、菌渣二次栽培和菌渣燃料化等资源化途径，"
        "形成适合全县推广的菌渣收储运和利用模式。",
        (80, 150),
    ),
    GovernmentDemand(
        "古田县人民政府", "fungi.strain", C.PLATFORM, S.RETURNED,
        "古田银耳种质资源库与菌种繁育中心建设",
        "银耳菌种退化、菌种来源混乱问题突出。县里计划建设银耳种质资源库和菌种繁育中心，"
        "希望学会推荐专家参与规划设计。",
        None,
    ),
    GovernmentDemand(
        "南安市人民政府", "stone.waste", C.RESEARCH, S.DOCKED,
        "水头石材产业石粉废料综合利用",
        "南安水头石材加工企业每年产生石粉废料数百万吨，堆存占地、污染环境。"
        "请专家开展石粉制备免烧砖、人造石和陶粒等资源化技术攻关，并提出园区集中处置方案。",
        (100, 300),
    ),
    GovernmentDemand(
        "南安市人民政府", "stone.inspection", C.PROMOTION, S.WITHDRAWN,
        "石材机器视觉智能分级技术推广",
        "拟在全市石材企业推广基于机器视觉的板材智能分级技术，请专家开展示范应用和培训。",
        (30, 50),
    ),
    GovernmentDemand(
        "建瓯市人民政府", "forest.bamboo", C.ENTREPRENEURSHIP, S.CONTRACTED,
        "竹产业“以竹代塑”青年创业孵化技术支持",
        "建瓯市是“中国竹子之乡”，正在建设竹产业青年创业园。希望专家为入园创业团队提供"
        "竹材加工、以竹代塑产品开发和知识产权方面的技术辅导，帮助5个以上团队实现产品落地。",
        (20, 40),
    ),
)  # fmt: skip
