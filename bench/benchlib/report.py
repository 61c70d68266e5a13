"""The run's output: Markdown tables (stdout and results.md), raw figures (results.csv) and a
chart (chart.png). Scenarios add tables and records; run.py writes them at the end."""

import csv
import dataclasses
import os

from .stats import Summary


@dataclasses.dataclass
class Table:
    title: str
    header: list
    rows: list = dataclasses.field(default_factory=list)
    notes: list = dataclasses.field(default_factory=list)

    def markdown(self):
        lines = [f"### {self.title}", "", "| " + " | ".join(self.header) + " |",
                 "|" + "---|" * len(self.header)]
        for row in self.rows:
            lines.append("| " + " | ".join(str(c) for c in row) + " |")
        lines.append("")
        lines.extend(f"- {note}" for note in self.notes)
        return "\n".join(lines) + "\n"


def verdict(value, limit, at_most=True):
    """'met' or 'missed' for a target; 'not measured' when the figure is missing."""
    if value is None:
        return "not measured"
    ok = value <= limit if at_most else value >= limit
    return "met" if ok else "**missed**"


class Report:
    def __init__(self):
        self.tables = []
        self.records = []   # (scenario, subject, metric, unit, Summary, raw values)
        self.chart_data = {}  # panel title -> {label: median}

    def add(self, table):
        self.tables.append(table)
        print(table.markdown(), flush=True)

    def record(self, scenario, subject, metric, unit, values):
        summary = Summary.of(values)
        self.records.append((scenario, subject, metric, unit, summary, values))
        return summary

    def chart(self, panel, label, value):
        if value is not None:
            self.chart_data.setdefault(panel, {})[label] = value

    def write(self, out_dir, preamble):
        os.makedirs(out_dir, exist_ok=True)
        with open(os.path.join(out_dir, "results.md"), "w") as f:
            f.write(preamble + "\n" + "\n".join(t.markdown() for t in self.tables))
        with open(os.path.join(out_dir, "results.csv"), "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["scenario", "subject", "metric", "unit", "median", "min", "max", "n",
                        "values"])
            for scenario, subject, metric, unit, s, values in self.records:
                if s is None:
                    w.writerow([scenario, subject, metric, unit, "", "", "", 0, ""])
                    continue
                w.writerow([scenario, subject, metric, unit, f"{s.median:.3f}", f"{s.lo:.3f}",
                            f"{s.hi:.3f}", s.n, " ".join(f"{v:.3f}" for v in values)])
        return self._write_chart(os.path.join(out_dir, "chart.png"))

    def _write_chart(self, path):
        """Returns None, or why no chart was drawn."""
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            return "no chart: python3-matplotlib is not installed"
        panels = [(k, v) for k, v in self.chart_data.items() if v]
        if not panels:
            return "no chart: nothing was measured"
        cols = 2
        rows = (len(panels) + cols - 1) // cols
        fig, axes = plt.subplots(rows, cols, figsize=(12, 3.6 * rows), squeeze=False)
        for ax, (title, data) in zip(axes.flat, panels):
            labels = list(data)
            ax.barh(labels, [data[k] for k in labels],
                    color=["#d9822b" if k.startswith("kumo") else "#4a6fa5" for k in labels])
            ax.set_title(title, fontsize=10)
            ax.invert_yaxis()
            ax.tick_params(labelsize=8)
        for ax in list(axes.flat)[len(panels):]:
            ax.axis("off")
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return None
