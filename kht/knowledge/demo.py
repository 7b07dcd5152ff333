"""Demo knowledge base: a small category tree and articles in Chinese and English, some
public, one published twice (so it has two versions to compare), one still a draft."""

from __future__ import annotations

from sqlalchemy import select

from kht.context import Ctx
from kht.knowledge import categories, service
from kht.knowledge.models import Article
from kht.knowledge.schemas import ArticleCreate, ArticleUpdate, CategoryCreate

# category path -> [(title, body HTML, audience, status)]
ARTICLES = {
    ("产品", "安检设备"): [
        (
            "X射线安检机开机自检失败怎么办",
            "<p>开机后若提示<strong>自检失败</strong>：</p><ol><li>检查急停按钮是否弹起；</li>"
            "<li>确认铅帘无卡滞；</li><li>重启设备并记录错误代码。</li></ol>",
            "public",
            "published",
        ),
        (
            "金属探测门灵敏度设置",
            "<p>金属探测门出厂灵敏度为 150，机场场景建议调至 180–200。</p>",
            "public",
            "published",
        ),
    ],
    ("产品", "办公设备"): [
        (
            "How to connect the A3 colour printer to the network",
            "<p>Open <em>Settings → Network</em>, choose Wi-Fi, then print a configuration page "
            "to check the address.</p>",
            "public",
            "published",
        ),
    ],
    ("销售话术",): [
        (
            "报价异议处理话术",
            "<p>客户说“太贵了”时，先确认预算，再讲清总拥有成本与售后服务。</p>",
            "internal",
            "published",
        ),
        (
            "Objection handling: 'we already have a supplier'",
            "<p>Ask what they would improve about their current supplier.</p>",
            "internal",
            "draft",
        ),
    ],
}
SECOND_EDITION = (
    "<p>开机后若提示<strong>自检失败</strong>：</p><ol><li>检查急停按钮是否弹起；</li>"
    "<li>确认铅帘无卡滞；</li><li>检查输送带是否跑偏；</li>"
    "<li>重启设备并记录错误代码，致电 400 热线。</li></ol>"
)


def _category(ctx: Ctx, path: tuple[str, ...], made: dict[tuple[str, ...], int]) -> int:
    parent = None
    for depth in range(1, len(path) + 1):
        key = path[:depth]
        if key not in made:
            data = CategoryCreate(name=key[-1], parent_id=parent)
            made[key] = categories.create_category(ctx, data).id
        parent = made[key]
    return made[path]


def load(ctx: Ctx) -> None:
    """The demo knowledge base (nothing when articles exist)."""
    if ctx.session.scalar(select(Article.id).limit(1)) is not None:
        return
    made: dict[tuple[str, ...], int] = {}
    for path, articles in ARTICLES.items():
        category = _category(ctx, path, made)
        for title, body, audience, status in articles:
            data = ArticleCreate(
                title=title,
                body=body,
                article_category_id=category,
                audience=audience,  # type: ignore[arg-type]
                status=status,  # type: ignore[arg-type]
            )
            article = service.create_article(ctx, data)
            if title.startswith("X射线"):
                change = ArticleUpdate(version=article.version, body=SECOND_EDITION)
                service.update_article(ctx, article.id, change)
