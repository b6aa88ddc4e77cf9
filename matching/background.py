"""A query's background similarity: its cosine to the average of generic technical texts.

Cosines of sentence embeddings do not start at 0 for unrelated texts (USE gives 0.1–0.3, e5 0.7+),
and the level moves with the query. Subtracting the query's cosine to the mean vector of a fixed,
diverse reference set gives every query the same zero point — whatever the size of the directory,
from a handful of experts to 100k — so a cosine can be read as "how far above unrelated".
"""

from __future__ import annotations

import numpy as np

REFERENCE_TEXTS: tuple[str, ...] = (
    "锂离子电池正极材料的制备与电化学性能",
    "光伏组件封装材料的老化机理",
    "风电机组叶片的疲劳损伤检测",
    "集成电路封装中的热应力分析",
    "显示面板薄膜晶体管的工艺优化",
    "纺织面料的染色牢度与功能整理",
    "运动鞋中底发泡材料的配方设计",
    "聚合物共混改性与注塑成型",
    "石油化工装置的安全运行与节能",
    "不锈钢冶炼过程的质量控制",
    "稀土永磁材料的磁性能提升",
    "建筑陶瓷的烧成工艺与釉面缺陷",
    "混凝土结构的耐久性与抗震设计",
    "数控机床的精度补偿与故障诊断",
    "工业机器人的运动控制与路径规划",
    "汽车零部件的轻量化设计",
    "船舶动力系统的振动与噪声",
    "食品加工过程中的微生物控制与保鲜",
    "茶叶加工工艺对品质的影响",
    "海水养殖品种的病害防控",
    "食用菌栽培基质与菌种选育",
    "作物育种与栽培技术",
    "竹木材料的加工与改性",
    "制浆造纸废水的处理",
    "中药材有效成分的提取与质量控制",
    "医疗器械的生物相容性评价",
    "肿瘤的分子机制与临床治疗",
    "工业废水的深度处理与回用",
    "大气污染物的监测与治理",
    "固体废物的资源化利用",
    "土壤重金属污染的修复",
    "软件系统的架构设计与测试",
    "机器学习模型在图像识别中的应用",
    "数据安全与隐私保护技术",
    "无线通信网络的资源调度",
    "电力系统的稳定运行与继电保护",
    "电机驱动与变频控制",
    "企业管理与市场营销策略",
    "区域经济发展与产业政策",
    "地质灾害的监测与预警",
    "海洋环境与生态保护",
    "气候变化对农业生产的影响",
    "数学模型与数值计算方法",
    "凝聚态物理中的新型量子材料",
    "有机合成中的催化反应",
    "生物大分子的结构与功能",
    "植物对逆境胁迫的响应机制",
    "动物疫病的诊断与防控",
)


def background_vector(document_vectors: np.ndarray) -> np.ndarray:
    """Mean of the reference texts' document vectors (not normalised: ``q · mean`` = mean cosine)."""
    if document_vectors.size == 0:
        raise ValueError("no reference vectors")
    return np.asarray(document_vectors.mean(axis=0), dtype=np.float32)
