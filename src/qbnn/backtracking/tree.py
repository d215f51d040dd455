"""The explicit search tree of a branch-and-bound run for one target, as the vertex set Montanaro's walk acts on.

Vertices are numbered level by level (root 0); ``parent[v]`` is -1 for the
root; ``marked[v]`` says the node was accepted (every completion reaches the
target: a solution). Rejected nodes (no completion can reach the target) and
marked nodes are leaves. ``depth`` n is an upper bound on every vertex's
distance from the root: the number of branched parameters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from qbnn.baselines.branch_and_bound import ACCEPTED, SearchTree, search_tree

__all__ = ["BacktrackingTree"]


@dataclass(frozen=True, eq=False)
class BacktrackingTree:
    """A rooted tree: parent pointers, levels, marks and the depth bound n."""

    parent: np.ndarray  # (T,) int64, -1 at the root
    level: np.ndarray  # (T,) distance from the root
    marked: np.ndarray  # (T,) bool
    depth: int  # n >= max(level)
    dfs_nodes: int | None = None  # vertices a classical depth-first search evaluates before it stops

    def __post_init__(self) -> None:
        parent = np.asarray(self.parent, dtype=np.int64)
        if parent.ndim != 1 or parent.size == 0 or parent[0] != -1 or (parent[1:] < 0).any():
            raise ValueError("parent must list -1 for the root (vertex 0) and a vertex for every other one")
        if (parent[1:] >= np.arange(1, parent.size)).any():
            raise ValueError("every parent must come before its children")
        object.__setattr__(self, "parent", parent)
        object.__setattr__(self, "level", np.asarray(self.level, dtype=np.int64))
        object.__setattr__(self, "marked", np.asarray(self.marked, dtype=bool))
        if int(self.level.max()) > self.depth:
            raise ValueError(f"depth {self.depth} is below the deepest level {int(self.level.max())}")

    @property
    def nodes(self) -> int:
        """T, the number of vertices."""
        return int(self.parent.size)

    @property
    def num_marked(self) -> int:
        return int(self.marked.sum())

    @property
    def children(self) -> np.ndarray:
        """Number of children of every vertex."""
        return np.bincount(self.parent[1:], minlength=self.nodes)

    @classmethod
    def from_search(cls, tree: SearchTree) -> BacktrackingTree:
        """Flatten a :class:`SearchTree` (level by level, children in branching order)."""
        parents, levels, marks = [np.array([-1])], [np.array([0])], [tree.status[0] == ACCEPTED]
        offset = 0
        for d in range(1, len(tree.status)):
            previous = len(tree.status[d - 1])
            parents.append(offset + tree.parents(d))
            levels.append(np.full(len(tree.status[d]), d))
            marks.append(tree.status[d] == ACCEPTED)
            offset += previous
        return cls(np.concatenate(parents), np.concatenate(levels), np.concatenate(marks), tree.depth, tree.dfs_nodes())

    @classmethod
    def from_problem(cls, problem, target: int | None = None, *, order: str = "output-first", max_nodes: int | None = None) -> BacktrackingTree:
        """The tree branch-and-bound explores for ``target`` (default ``problem.target``) on ``problem``."""
        return cls.from_search(search_tree(problem, target, order=order, max_nodes=max_nodes))

    @classmethod
    def complete_binary(cls, depth: int, marked_leaves: tuple[int, ...] = ()) -> BacktrackingTree:
        """The full binary tree of ``depth`` levels below the root (2^(depth+1) - 1 vertices), leaves optionally marked."""
        total = (1 << (depth + 1)) - 1
        v = np.arange(total)
        parent = np.where(v == 0, -1, (v - 1) // 2)
        level = np.floor(np.log2(v + 1)).astype(np.int64)
        marked = np.zeros(total, dtype=bool)
        first_leaf = (1 << depth) - 1
        for leaf in marked_leaves:
            marked[first_leaf + int(leaf)] = True
        return cls(parent, level, marked, depth)

    @classmethod
    def path(cls, length: int, marked_end: bool = False) -> BacktrackingTree:
        """A path of ``length`` + 1 vertices (a tree of depth ``length``)."""
        v = np.arange(length + 1)
        marked = np.zeros(length + 1, dtype=bool)
        marked[-1] = marked_end
        return cls(v - 1, v, marked, length)

    def to_json(self) -> dict:
        return {"nodes": self.nodes, "depth": self.depth, "marked": self.num_marked, "dfs_nodes": self.dfs_nodes}
