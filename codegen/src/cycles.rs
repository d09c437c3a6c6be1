//! Pass: finds the fields that must be boxed: those that close a cycle of types containing each
//! other by value.
//!
//! The graph has an edge from a type to every named type it holds by value: through a field
//! (optional or not) or an alias, but not through an array, whose elements already live on the
//! heap. A struct is infinitely sized only when such an edge stays inside its strongly connected
//! component, so exactly those edges are boxed. No list of type names is kept by hand.

use crate::model::{types_by_id, Model, Ty, TypeKind};

/// Sets `boxed` on every field and alias that closes a cycle.
pub fn mark_boxes(model: &mut Model) {
    // Whether each field and alias is boxed, in model order: found while the model is
    // borrowed to look types up, set after.
    let mut boxed: Vec<bool> = Vec::new();
    {
        // Nodes are types by their position in the model (ids are distinct by now).
        let types = types_by_id(&model.domains);
        let all = || model.domains.iter().flat_map(|domain| &domain.types);
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); types.len()];
        for (from, ty) in all().enumerate() {
            let mut add = |target: &Ty| {
                if let Ty::Named(id) = target {
                    if let Some(to) = types.position(id) {
                        edges[from].push(to);
                    }
                }
            };
            match &ty.kind {
                TypeKind::Object(fields) => fields.iter().for_each(|field| add(&field.ty)),
                TypeKind::Alias { ty, .. } => add(ty),
                TypeKind::Enum(_) => {}
            }
        }
        let component = strongly_connected(&edges);
        let same = |from: usize, target: &Ty| match target {
            Ty::Named(id) => types
                .position(id)
                .is_some_and(|to| component[to] == component[from]),
            _ => false,
        };
        for (from, ty) in all().enumerate() {
            match &ty.kind {
                TypeKind::Object(fields) => {
                    boxed.extend(fields.iter().map(|field| same(from, &field.ty)));
                }
                TypeKind::Alias { ty, .. } => boxed.push(same(from, ty)),
                TypeKind::Enum(_) => {}
            }
        }
    }
    let mut boxed = boxed.into_iter();
    for ty in model
        .domains
        .iter_mut()
        .flat_map(|domain| &mut domain.types)
    {
        match &mut ty.kind {
            TypeKind::Object(fields) => {
                for field in fields {
                    field.boxed = boxed.next() == Some(true);
                }
            }
            TypeKind::Alias { boxed: alias, .. } => *alias = boxed.next() == Some(true),
            TypeKind::Enum(_) => {}
        }
    }
}

/// Tarjan's algorithm, iterative so that a long chain of types cannot exhaust the stack.
/// Returns the component number of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let count = edges.len();
    let mut order = vec![UNSEEN; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut component = vec![UNSEEN; count];
    let mut stack = Vec::new();
    let mut next_order = 0;
    let mut next_component = 0;
    for root in 0..count {
        if order[root] != UNSEEN {
            continue;
        }
        // Each frame: a node and how many of its edges were followed.
        let mut frames = vec![(root, 0)];
        order[root] = next_order;
        low[root] = next_order;
        next_order += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (node, ref mut followed)) = frames.last_mut() {
            if let Some(&next) = edges[node].get(*followed) {
                *followed += 1;
                if order[next] == UNSEEN {
                    order[next] = next_order;
                    low[next] = next_order;
                    next_order += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    frames.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(order[next]);
                }
                continue;
            }
            frames.pop();
            if let Some(&(parent, _)) = frames.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn components_group_cycles_and_leave_chains_apart() {
        // 0 -> 1 -> 2 -> 0 is a cycle; 3 -> 0 is not part of it; 4 -> 4 is a self loop.
        let edges = vec![vec![1], vec![2], vec![0], vec![0], vec![4]];
        let component = strongly_connected(&edges);
        assert_eq!(component[0], component[1]);
        assert_eq!(component[1], component[2]);
        assert_ne!(component[3], component[0]);
        assert_ne!(component[4], component[0]);
    }
}
