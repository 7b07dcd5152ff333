"""Demo competitors of a systems-integration and equipment market."""

from __future__ import annotations

from kht.competitors.schemas import CompetitorCreate
from kht.competitors.service import competitor_named, create_competitor
from kht.context import Ctx

# name, products, price positioning, strengths, weaknesses
COMPETITORS = (
    ("华为", "交换机、路由器、服务器、云平台", "mid", "产品线全，服务网络覆盖全国", "定制化响应慢"),
    (
        "Cisco",
        "Switches, routers, security",
        "high",
        "Brand, enterprise references",
        "Price; local support",
    ),
    ("新华三", "网络设备、服务器、存储", "mid", "政企关系深，渠道多", "软件集成能力一般"),
    ("浪潮", "服务器、存储、云", "low", "价格低，交付快", "网络产品少"),
    ("深信服", "安全、超融合、桌面云", "mid", "安全产品口碑好", "大项目经验少"),
)


def load(ctx: Ctx) -> None:
    """The demo competitors, each created once (an existing name is kept as it is)."""
    for name, products, price, strengths, weaknesses in COMPETITORS:
        if competitor_named(ctx, name) is None:
            create_competitor(
                ctx,
                CompetitorCreate(
                    name=name,
                    products=products,
                    price_positioning=price,
                    strengths=strengths,
                    weaknesses=weaknesses,
                ),
            )
