"""Demo data from Yichang's real places and problems (see shared/SEED-ARTICLE.txt)."""
