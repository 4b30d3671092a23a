//! The drawing's wires as a graph, so the packet can travel along them: the shortest path
//! between two points of the drawing (Dijkstra over a few dozen vertices).

use super::geometry::Point;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Graph {
    pub points: Vec<Point>,
    pub edges: Vec<(usize, usize)>,
}

impl Graph {
    pub fn add(&mut self, p: Point) -> usize {
        self.points.push(p);
        self.points.len() - 1
    }

    pub fn link(&mut self, a: usize, b: usize) {
        if a != b && !self.edges.contains(&(a, b)) && !self.edges.contains(&(b, a)) {
            self.edges.push((a, b));
        }
    }

    /// Link the vertices in order of their x (a horizontal bus: a bridge, the LAN).
    /// Returns them in that order. (An insertion sort: a bus has a handful of taps, and
    /// the standard library's sort would add kilobytes to the WASM.)
    pub fn chain_by_x(&mut self, mut vertices: Vec<usize>) -> Vec<usize> {
        for i in 1..vertices.len() {
            let mut j = i;
            while j > 0 && self.points[vertices[j - 1]].x > self.points[vertices[j]].x {
                vertices.swap(j - 1, j);
                j -= 1;
            }
        }
        for w in vertices.windows(2) {
            self.link(w[0], w[1]);
        }
        vertices
    }

    /// The shortest way from `from` to `to` along the edges, as points; a straight jump
    /// when they are not connected.
    pub fn path(&self, from: usize, to: usize) -> Vec<Point> {
        let n = self.points.len();
        if from >= n || to >= n {
            return Vec::new();
        }
        let mut dist = vec![f64::INFINITY; n];
        let mut prev = vec![usize::MAX; n];
        let mut done = vec![false; n];
        dist[from] = 0.0;
        loop {
            let next = (0..n)
                .filter(|v| !done[*v] && dist[*v].is_finite())
                .min_by(|a, b| dist[*a].total_cmp(&dist[*b]));
            let Some(v) = next else { break };
            if v == to {
                break;
            }
            done[v] = true;
            for &(a, b) in &self.edges {
                let w = if a == v {
                    b
                } else if b == v {
                    a
                } else {
                    continue;
                };
                let d = dist[v] + self.points[v].distance(self.points[w]);
                if d < dist[w] {
                    dist[w] = d;
                    prev[w] = v;
                }
            }
        }
        if !dist[to].is_finite() {
            return vec![self.points[from], self.points[to]];
        }
        let mut out = vec![self.points[to]];
        let mut v = to;
        while v != from {
            v = prev[v];
            out.push(self.points[v]);
        }
        out.reverse();
        out
    }
}
