//! Pass: keeps what the selection asks for.
//!
//! Items flagged experimental or deprecated go first when the selection leaves them out; then
//! the selected domains are kept whole and, of the others, only the types they reach. Types
//! that kept items use stay whatever their flags, so no path in the output dangles.

use crate::model::{types_by_id, Domain, Field, Meta, Model, Selection, TypeId, TypeKind, TypeSet};

/// Keeps in `model` what `selection` asks for. The model has been checked for the domains the
/// selection names.
pub fn apply(model: &mut Model, selection: &Selection) {
    filter_flags(&mut model.domains, selection);
    select_domains(model, selection);
}

/// Drops experimental or deprecated items when the selection asks to. A type that a kept item
/// still references stays, so no path dangles: the closure in [`select_domains`] runs after this
/// on what is kept, and types are dropped only from selected domains' own lists here when
/// nothing kept reaches them.
fn filter_flags(domains: &mut Vec<Domain>, selection: &Selection) {
    let drop = |meta: &Meta| {
        (!selection.experimental && meta.experimental) || (!selection.deprecated && meta.deprecated)
    };
    for domain in domains.iter_mut() {
        if drop(&domain.meta) {
            domain.commands.clear();
            domain.events.clear();
        }
        domain.commands.retain(|command| !drop(&command.meta));
        domain.events.retain(|event| !drop(&event.meta));
        let keep_field = |field: &Field| !(field.optional && drop(&field.meta));
        for command in &mut domain.commands {
            command.params.retain(keep_field);
            command.returns.retain(keep_field);
        }
        for event in &mut domain.events {
            event.params.retain(keep_field);
        }
        for ty in &mut domain.types {
            if let TypeKind::Object(fields) = &mut ty.kind {
                fields.retain(keep_field);
            }
        }
    }
    if selection.experimental && selection.deprecated {
        return;
    }
    // Which flagged types are still referenced by kept items: those stay.
    let mut referenced = TypeSet::default();
    let mut queue: Vec<TypeId> = Vec::new();
    let by_id = types_by_id(domains);
    for domain in domains.iter() {
        for field in domain.item_fields() {
            field.ty.named(&mut |id| queue.push(id.clone()));
        }
        for ty in domain
            .types
            .iter()
            .filter(|ty| !drop(&ty.meta) && !drop(&domain.meta))
        {
            queue.push(ty.id.clone());
        }
    }
    while let Some(id) = queue.pop() {
        if referenced.insert(id.clone()) {
            if let Some(ty) = by_id.get(&id) {
                ty.kind.named(&mut |next| queue.push(next.clone()));
            }
        }
    }
    for domain in domains.iter_mut() {
        domain.types.retain(|ty| referenced.contains(&ty.id));
    }
    // A left-out domain survives only as far as kept items still use its types.
    domains.retain(|domain| !drop(&domain.meta) || !domain.types.is_empty());
}

/// Keeps the selected domains whole; of the others, the commands and events picked one by one
/// and only the types that what is kept reaches.
fn select_domains(model: &mut Model, selection: &Selection) {
    let picking = !selection.commands.is_empty() || !selection.events.is_empty();
    let keep_all = selection.domains.is_empty() && !picking;
    for domain in &mut model.domains {
        domain.selected = keep_all || selection.domains.contains(&domain.name);
        if !domain.selected {
            let picked = |list: &[String], name: &str| {
                list.iter().any(|item| {
                    item.strip_prefix(domain.name.as_str())
                        .and_then(|rest| rest.strip_prefix('.'))
                        == Some(name)
                })
            };
            let commands = std::mem::take(&mut domain.commands);
            domain.commands = commands
                .into_iter()
                .filter(|command| picked(&selection.commands, &command.name))
                .collect();
            let events = std::mem::take(&mut domain.events);
            domain.events = events
                .into_iter()
                .filter(|event| picked(&selection.events, &event.name))
                .collect();
        }
    }
    let reached = model.types_used(|domain| domain.selected);
    for domain in &mut model.domains {
        if !domain.selected {
            domain.types.retain(|ty| reached.contains(&ty.id));
        }
    }
    model.domains.retain(|domain| {
        domain.selected
            || !domain.types.is_empty()
            || !domain.commands.is_empty()
            || !domain.events.is_empty()
    });
}
