"""The heaviest order-keeping chain of row/form-row candidates: the tree walks found once per form
give the chain the bit-by-bit walks gave, ties included (scores repeat: most labels are the form's own)."""
import random

from zhreport.forms.tables import _increasing_chain


def _chain_walking_bits(cand, m):
    """The chain as found before the walks were kept per form: the tree walked bit by bit."""
    tree_score = [0.0] * (m + 1)
    tree_end = [-1] * (m + 1)
    back = [-1] * len(cand)
    total = [0.0] * len(cand)
    order = sorted(range(len(cand)), key=lambda k: cand[k][0])
    k, n = 0, len(order)
    while k < n:
        row = cand[order[k]][0]
        group = []
        while k < n and cand[order[k]][0] == row:
            group.append(order[k])
            k += 1
        for c in group:
            j = cand[c][1]
            best, prev = 0.0, -1
            while j > 0:
                if tree_score[j] > best:
                    best, prev = tree_score[j], tree_end[j]
                j -= j & -j
            total[c] = best + cand[c][2]
            back[c] = prev
        for c in group:
            j, score = cand[c][1] + 1, total[c]
            while j <= m:
                if score > tree_score[j]:
                    tree_score[j], tree_end[j] = score, c
                j += j & -j
    if not cand:
        return []
    c = max(range(len(cand)), key=lambda k: total[k])
    chain = []
    while c >= 0:
        chain.append(cand[c])
        c = back[c]
    chain.reverse()
    return chain


def test_chain_is_the_one_the_bit_by_bit_walk_finds():
    rng = random.Random(14)
    for _ in range(3000):
        m = rng.choice([1, 2, 5, 17, 64, 97, 130])
        rows = rng.randint(0, 40)
        scores = [0.6, 0.75, 1.0, 1.0, 1.3] if rng.random() < 0.7 else [round(rng.uniform(0.6, 1.3), 3)]
        cand = []
        for i in range(rows):  # in row order, as the alignment lists them; some rows without a candidate
            for j in sorted(rng.sample(range(m), min(m, rng.choice([0, 1, 1, 1, 2, 3])))):
                cand.append((i, j, rng.choice(scores) if len(scores) > 1 else round(rng.uniform(0.6, 1.3), 3)))
        if rng.random() < 0.2:
            rng.shuffle(cand)  # any order: rows are taken in order
        assert _increasing_chain(cand, m) == _chain_walking_bits(cand, m), (m, cand)
