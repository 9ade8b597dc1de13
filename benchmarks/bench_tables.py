"""The table reader on huge tables: bounded work, no quadratic blow-up.

usage: python benchmarks/bench_tables.py [--rows 2000] [--cols 200] [--mb 1.0]

Three inputs, each read by the table stage alone (scan + read_cells, the template's
rows aligned) and by the whole of zhreport.extract, against plain jieba.lcut over the
same text in the same process:
- a gov2008 table of ROWS rows (the form's rows repeated, pipe layout);
- a 2-D table of ROWS rows and COLS value columns (the application table's labels);
- a page of MB megabytes of numbers only (one cell per line).
Issue 9 asks for each under 2 s on one core.
"""
import argparse

from timing import best_of  # benchmarks/timing.py: puts the project on sys.path


def inputs(rows: int, cols: int, mb: float) -> dict:
    from zhreport.forms.schema import load_template

    t8 = load_template("gov2008")
    labels = [(t8.fields[f].numbering or "") + t8.fields[f].label for f in t8.order if t8.fields[f].kind == "value"]
    one_d = "\n".join(f"{labels[i % len(labels)]} | 件 | {i % 97} |" for i in range(rows))
    t21 = load_template("gov2021")
    row_labels = [f.label for f in t21.fields.values() if f.kind == "row" and f.id.startswith("requests.")]
    two_d = "\n".join(row_labels[i % len(row_labels)] + " | " + " | ".join(str((i * j) % 13) for j in range(cols))
                      for i in range(rows))
    numbers = "\n".join(str(i % 1000) for i in range(int(mb * 1024 * 1024 / 4)))
    return {f"gov2008 table, {rows} rows": ("gov2008", one_d),
            f"2-D table, {rows} rows x {cols} columns": ("gov2021", two_d),
            f"{mb} MB of numbers": ("gov2021", numbers)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=2000)
    ap.add_argument("--cols", type=int, default=200)
    ap.add_argument("--mb", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    import jieba

    import zhreport
    from zhreport.forms.schema import load_template
    from zhreport.forms.table_text import scan
    from zhreport.forms.tables import read_cells

    jieba.setLogLevel(60)
    jieba.lcut("预热")
    zhreport.extract("预热：收到申请3件。")
    for name, (tid, text) in inputs(a.rows, a.cols, a.mb).items():
        tpl = load_template(tid)
        t_table = best_of(lambda: read_cells(scan(text), tpl), a.repeat)
        t_extract = best_of(lambda: zhreport.extract(text, template=tid), 1)
        t_jieba = best_of(lambda: jieba.lcut(text), 1)
        print(f"{name:34} {len(text):>10,} chars  tables {t_table:6.3f} s  extract {t_extract:6.3f} s  "
              f"jieba.lcut {t_jieba:6.3f} s  (tables/jieba {t_table / t_jieba:.2f}, extract/jieba "
              f"{t_extract / t_jieba:.2f})")


if __name__ == "__main__":
    main()
