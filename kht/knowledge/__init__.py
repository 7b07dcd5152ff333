"""Knowledge base (知识库): articles with categories, versions, helpful counts, a public view."""
