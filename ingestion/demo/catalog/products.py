"""What an enterprise makes decides what it asks about, and where it is decides what it makes.

For each industry: product → (sub-fields its demands are about, counties where it is made; empty =
anywhere the industry is). Sub-field keys are written without the industry prefix.
"""

from __future__ import annotations

from ingestion.demo.catalog.base import split

ProductLine = tuple[str, tuple[str, ...], tuple[str, ...]]


def _line(product: str, subfields: str, regions: str = "") -> ProductLine:
    return product, split(subfields), split(regions)


PRODUCT_LINES: dict[str, tuple[ProductLine, ...]] = {
    "tea": (
        _line("铁观音", "oolong；breeding；soil；pest；quality；machinery；brand", "350524；350725"),
        _line("武夷岩茶", "oolong；quality；soil；brand；machinery", "350782"),
        _line("福鼎白茶", "white；pest；deep；quality", "350982"),
        _line("政和白茶", "white；soil；deep；brand", "350725"),
        _line("坦洋工夫红茶", "black；machinery；breeding；soil", "350981"),
        _line("茉莉花茶", "deep；quality；machinery；pest", "350981"),
    ),
    "fungi": (
        _line("银耳", "tremella；strain；disease；machinery；processing", "350922；350923"),
        _line("香菇", "strain；substrate；disease；processing；machinery", "350922；350923；350783；350123"),
        _line("海鲜菇", "factory；liquid；disease；processing", "350721；350123"),
        _line("秀珍菇", "factory；substrate；disease", "350123；350922"),
        _line("双孢蘑菇", "processing；substrate；factory", "350604"),
        _line("灵芝", "medicinal；strain；processing", "350783；350922"),
    ),
    "aquaculture": (
        _line("大黄鱼", "croaker；croaker_disease；cage；feed；water", "350902；350921；350122"),
        _line("鲍鱼", "abalone；water；feed；cage", "350122；350626；350128"),
        _line("坛紫菜", "seaweed；water", "350921；350128；350122"),
        _line("海带", "seaweed；abalone", "350122；350921"),
        _line("牡蛎", "oyster；water", "350921；350181；350623"),
        _line("南美白对虾", "shrimp；water；feed", "350623；350626；350181"),
        _line("鳗鲡", "eel；water；feed", "350181；350623"),
    ),
    "textile": (
        _line("运动鞋", "eva；upper；shoemaking；adhesive；testing；recycle", "350582；350581"),
        _line("休闲鞋", "eva；adhesive；shoemaking；upper", "350582；350581"),
        _line("运动服装", "functional；garment；dyeing；testing", "350582；350581；350821"),
        _line("童装", "garment；testing；dyeing", "350581；350582"),
        _line("锦纶长丝", "fiber；recycle；dyeing", "350112；350821"),
        _line("经编面料", "dyeing；functional；fiber", "350112；350821"),
    ),
    "ceramics": (
        _line("日用白瓷", "glaze；body；kiln；forming；waste", "350526"),
        _line("工艺陶瓷", "deco；forming；glaze；kiln", "350526"),
        _line("茶具", "glaze；deco；body；kiln", "350526"),
        _line("建筑陶瓷砖", "building；kiln；waste；glaze", "350582；350124"),
        _line("卫生陶瓷", "building；glaze；forming", "350583"),
        _line("电瓷绝缘子", "insulator；body；kiln", "350124"),
        _line("精密陶瓷结构件", "advanced；forming", "350526；350582"),
    ),
    "stone": (
        _line("花岗岩板材", "sawing；polishing；inspection；waste；dust", "350583"),
        _line("大理石", "polishing；inspection；sawing", "350583"),
        _line("石雕工艺品", "carving；dust", "350521"),
        _line("人造石英石", "artificial；waste；dust", "350583；350582"),
        _line("景观石材", "carving；mine", "350521；350583"),
        _line("花岗岩荒料", "mine；sawing", "350521；350583"),
    ),
    "furniture": (
        _line("红木古典家具", "drying；coating；cnc；design；identification", "350322"),
        _line("木雕工艺品", "carving；design；drying", "350304；350322"),
        _line("实木家具", "drying；coating；cnc；design", "350121；350322"),
        _line("定制橱柜", "panel；cnc；coating", "350121"),
        _line("藤铁工艺家居", "rattan；design", "350524"),
        _line("户外家具", "rattan；coating", "350524；350121"),
    ),
    "battery": (
        _line("动力电池", "cell；electrode；bms；safety", "350902；350981"),
        _line("储能电池", "storage；bms；safety；cell", "350902；350982；350981"),
        _line("正极材料", "cathode；nextgen；recycle", "350205；350921；350981"),
        _line("负极材料", "anode；nextgen", "350982；350921"),
        _line("电解液", "electrolyte；safety", "350981；350902"),
        _line("锂电池隔膜", "separator；safety", "350902；350981"),
        _line("电池回收材料", "recycle；cathode", "350823；350902"),
    ),
    "electronics": (
        _line("TFT-LCD面板", "tft；aoi；emc", "350181；350303；350213"),
        _line("OLED显示屏", "oled；aoi", "350213；350181"),
        _line("Mini LED背光模组", "led；aoi；pcb", "350206；350213；350181"),
        _line("化合物半导体芯片", "compound；led", "350206；350213"),
        _line("光通信器件", "photonics；crystal；emc", "350104；350105"),
        _line("激光晶体元件", "crystal；photonics", "350104；350105"),
        _line("物联网终端", "iot；emc；pcb", "350105；350104；350206"),
    ),
    "petrochem": (
        _line("聚丙烯", "polyolefin；catalyst；smart；safety", "350505；350623"),
        _line("对二甲苯", "separation；catalyst；corrosion；vocs", "350505；350623"),
        _line("乙烯下游产品", "catalyst；separation；smart；safety", "350505；350623"),
        _line("己内酰胺", "catalyst；wastewater；corrosion", "350181"),
        _line("精细化学品", "fine；wastewater；safety；vocs", "350181；350305"),
        _line("石油树脂", "polyolefin；vocs；fine", "350305；350505"),
    ),
    "ship": (
        _line("钢质渔船", "fishing；design；welding；power", "350122；350981；350105"),
        _line("海工辅助船", "design；vibration；welding；smart", "350105；350604"),
        _line("滚装船", "design；power；paint；smart", "350105；350205；350604"),
        _line("游艇", "yacht；design", "350205；350105"),
        _line("船舶修理", "paint；welding；vibration", "350981；350122；350604"),
    ),
    "food": (
        _line("鱼丸", "seafood；frozen；shelf", "350181；350604"),
        _line("速冻食品", "frozen；packaging；safety", "350604；350181"),
        _line("休闲食品", "snack；shelf；packaging；functional", "350582；350521"),
        _line("罐头食品", "sterilization；fruitveg；safety", "350604；350624"),
        _line("调味品", "ferment；safety；shelf", "350604；350181"),
        _line("地瓜干", "fruitveg；packaging；safety", "350825"),
        _line("沙县小吃预制菜", "frozen；shelf；packaging", "350405"),
        _line("蜜柚深加工产品", "fruitveg；functional", "350624；350604"),
    ),
    "forestry": (
        _line("重组竹地板", "bamboo；chemical", "350783；350721；350781"),
        _line("竹制日用品", "bamboo；chemical", "350783；350481"),
        _line("冬笋与笋干", "shoot；bamboo", "350783；350426；350428"),
        _line("杉木", "fir；pest；fire；carbon", "350481；350428；350426"),
        _line("竹浆纸", "pulp；bamboo", "350405；350481"),
        _line("松香", "chemical；pest", "350781；350721"),
        _line("林下中药材", "understory；carbon", "350426；350428；350781"),
    ),
    "pharma": (
        _line("化学原料药", "api；gmp", "350121；350404；350602"),
        _line("仿制药", "formulation；gmp；api", "350121；350205；350602"),
        _line("中成药", "tcm；herb；gmp", "350602；350802；350121"),
        _line("生物药", "bio；gmp", "350205"),
        _line("体外诊断试剂", "ivd；bio", "350205；350121"),
        _line("医疗器械", "device", "350205；350802"),
        _line("海洋生物制品", "marine；bio", "350205；350404"),
    ),
    "environment": (
        _line("脱硫脱硝设备", "flue；carbon；monitoring", "350802"),
        _line("污水处理工程", "sewage；rural；watershed", "350802；350211；350111"),
        _line("固废处置服务", "solid；soil", "350823；350404"),
        _line("土壤修复工程", "soil；erosion", "350821；350823"),
        _line("环境监测仪器", "monitoring；watershed", "350211；350111"),
        _line("生态修复工程", "erosion；watershed；livestock", "350821；350404"),
    ),
    "wind": (
        _line("海上风电场开发运营", "typhoon；om；grid；integration；foundation", "350128；350181；350305"),
        _line("风电叶片", "blade", "350181；350112"),
        _line("塔筒与单桩", "foundation；corrosion", "350181；350623"),
        _line("海底电缆", "grid", "350112；350181"),
        _line("风电运维服务", "om；corrosion", "350128；350305"),
        _line("海上风电施工", "install；foundation", "350128；350623"),
    ),
    "digital": (
        _line("工业互联网平台", "iiot；mes；data", "350102；350582；350112"),
        _line("机器视觉质检系统", "vision", "350206；350203；350582"),
        _line("政务数据平台", "data；security；llm", "350102；350203"),
        _line("人工智能应用", "llm；vision；commerce", "350203；350112"),
        _line("智慧园区平台", "twin；iiot", "350104；350112"),
        _line("电商服务", "commerce", "350582；350203"),
        _line("农业物联网", "agri", "350104；350102"),
        _line("供应链金融平台", "blockchain；data", "350203；350102"),
    ),
}

# A firm suffix that names a kind of product only fits those products (no 游艇有限公司 building 滚装船).
SUFFIX_RULES: dict[str, frozenset[str]] = {
    key: frozenset(split(products))
    for key, products in {
        "游艇": "游艇",
        "鞋": "运动鞋；休闲鞋",
        "服饰": "运动服装；童装",
        "体育用品": "运动鞋；运动服装",
        "化纤": "锦纶长丝；经编面料",
        "纺织": "锦纶长丝；经编面料；运动服装",
        "建陶": "建筑陶瓷砖",
        "陶瓷工艺品": "工艺陶瓷；茶具",
        "石雕工艺": "石雕工艺品；景观石材",
        "古典家具": "红木古典家具",
        "工艺品": "木雕工艺品；藤铁工艺家居；工艺陶瓷；茶具；石雕工艺品；景观石材",
        "储能": "储能电池",
        "电池材料": "正极材料；负极材料；电解液；电池回收材料；锂电池隔膜",
        "显示技术": "TFT-LCD面板；OLED显示屏；Mini LED背光模组",
        "半导体": "化合物半导体芯片；光通信器件；激光晶体元件",
        "微电子": "化合物半导体芯片；物联网终端",
        "竹": "重组竹地板；竹制日用品；冬笋与笋干；竹浆纸",
        "竹木制品": "重组竹地板；竹制日用品",
        "林产化工": "松香",
        "林业专业合作社": "林下中药材；杉木；冬笋与笋干",
        "医疗器械": "医疗器械",
        "制药": "化学原料药；仿制药；中成药；生物药",
        "水务": "污水处理工程",
        "海上风电": "海上风电场开发运营；风电运维服务；海上风电施工",
        "风电装备": "风电叶片；塔筒与单桩；海底电缆",
        "船舶配件": "船舶修理",
    }.items()
}


def suffix_fits(suffix: str, product: str) -> bool:
    return all(product in allowed for key, allowed in SUFFIX_RULES.items() if key in suffix)
