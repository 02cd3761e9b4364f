"""Fact extraction (work in progress)."""
def extract_facts(article_id, cleaned):
    return {"mentions": [], "figures": [], "timeline": [], "alliances": []}
