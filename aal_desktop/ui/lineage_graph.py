"""The lineage graph: schema versions → dataset versions → models → deployments.

A QGraphicsScene in four columns, with retired assets greyed, dashed and marked, and
rollback pointers drawn between deployments. It only draws a services.lineage.Graph and
emits the id of a clicked node; what a click does is up to the view that holds it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QWidget,
)

from ..services import lineage as lin

COLUMNS = {"schema": 0, "dataset": 1, "model": 2, "deployment": 3}
COLUMN_TITLES = ("Schema versions", "Dataset versions", "Models", "Deployments")
COLOURS = {"schema": "#7b1fa2", "dataset": "#1565c0", "model": "#2e7d32", "deployment": "#ef6c00"}
RETIRED_FILL = "#e6e6e6"
RETIRED_TEXT = "#8a8a8a"
NODE_W, NODE_H, COL_GAP, ROW_GAP = 190.0, 42.0, 90.0, 16.0


# --- lineage graph ----------------------------------------------------------------------------


class NodeItem(QGraphicsRectItem):
    """One asset in the lineage graph; retired ones are grey, dashed and marked."""

    def __init__(self, node: lin.Node, rect: QRectF) -> None:
        super().__init__(rect)
        self.node = node
        colour = QColor(COLOURS[node.kind])
        inactive = node.kind == "deployment" and not node.detail.get("active", False)
        if node.retired:
            self.setBrush(QBrush(QColor(RETIRED_FILL)))
            pen = QPen(QColor(RETIRED_TEXT), 1.5, Qt.PenStyle.DashLine)
        else:
            fill = QColor(colour)
            fill.setAlpha(28 if inactive else 60)
            self.setBrush(QBrush(fill))
            pen = QPen(colour, 1.2 if inactive else 2.2)
        self.setPen(pen)
        self.setToolTip(self._tooltip())
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        label = node.label
        if node.kind == "deployment":
            when = str(node.detail.get("deployed_at", ""))[:16].replace("T", " ")
            label += f"\n{when}" + ("  ● active" if not inactive else "")
        if node.retired:
            label += "\n✕ retired"
        text = QGraphicsSimpleTextItem(label, self)
        font = QFont()
        font.setPointSizeF(9.0)
        font.setBold(node.kind == "model")
        font.setStrikeOut(node.retired and node.kind != "deployment")
        text.setFont(font)
        text.setBrush(QBrush(QColor(RETIRED_TEXT if node.retired else "#1a1a1a")))
        br = text.boundingRect()
        text.setPos(rect.x() + 8, rect.y() + (rect.height() - br.height()) / 2)

    def _tooltip(self) -> str:
        d = self.node.detail
        lines = [f"{self.node.kind}: {self.node.label}"]
        lines += [f"{k}: {v}" for k, v in d.items() if v not in (None, "", {})]
        if self.node.retired:
            lines.append("RETIRED")
        return "\n".join(lines)


class LineageScene(QGraphicsScene):
    """Lays out a lineage.Graph in columns and draws its edges; emits the clicked node id."""

    nodeClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items_by_id: dict[str, NodeItem] = {}

    def show_graph(self, graph: lin.Graph) -> None:
        self.clear()
        self.items_by_id = {}
        rows = [0, 0, 0, 0]
        for c, title in enumerate(COLUMN_TITLES):
            t = self.addSimpleText(title)
            f = QFont()
            f.setBold(True)
            t.setFont(f)
            t.setPos(c * (NODE_W + COL_GAP), -34)
        for node in graph.nodes:
            col = COLUMNS[node.kind]
            rect = QRectF(col * (NODE_W + COL_GAP), rows[col] * (NODE_H + ROW_GAP), NODE_W, NODE_H)
            rows[col] += 1
            item = NodeItem(node, rect)
            self.addItem(item)
            self.items_by_id[node.id] = item
        for edge in graph.edges:
            self._edge(edge)

    def _edge(self, edge: lin.Edge) -> None:
        a = self.items_by_id[edge.source].rect()
        b = self.items_by_id[edge.target].rect()
        path = QPainterPath()
        if abs(a.x() - b.x()) < 1:  # within a column: a bow on the left side
            start = QPointF(a.left(), a.center().y())
            end = QPointF(b.left(), b.center().y())
            bulge = 30 + abs(end.y() - start.y()) * 0.15
            path.moveTo(start)
            path.cubicTo(start - QPointF(bulge, 0), end - QPointF(bulge, 0), end)
            tip, direction = end, QPointF(1, 0)
        else:
            start = QPointF(a.right(), a.center().y())
            end = QPointF(b.left(), b.center().y())
            mid = (start.x() + end.x()) / 2
            path.moveTo(start)
            path.cubicTo(QPointF(mid, start.y()), QPointF(mid, end.y()), end)
            tip, direction = end, QPointF(1, 0)
        retired = (
            self.items_by_id[edge.source].node.retired or self.items_by_id[edge.target].node.retired
        )
        colour = QColor("#b0b0b0" if retired else "#555")
        style = (
            Qt.PenStyle.DashLine if edge.kind in ("parent", "replaces") else Qt.PenStyle.SolidLine
        )
        item = QGraphicsPathItem(path)
        item.setPen(QPen(colour, 1.3, style))
        item.setZValue(-1)
        item.setToolTip(edge.kind.replace("_", " "))
        self.addItem(item)
        arrow = QPolygonF(
            [tip, tip - direction * 8 + QPointF(0, 4), tip - direction * 8 - QPointF(0, 4)]
        )
        head = QGraphicsPolygonItem(arrow)
        head.setBrush(QBrush(colour))
        head.setPen(QPen(colour))
        head.setZValue(-1)
        self.addItem(head)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        for item in self.items(event.scenePos()):
            while item is not None and not isinstance(item, NodeItem):
                item = item.parentItem()
            if isinstance(item, NodeItem):
                self.nodeClicked.emit(item.node.id)
                break
        super().mousePressEvent(event)
