//! A parallel `map` over a slice, on scoped threads, keeping the order.
//! Used where the time goes into the kernel creating files: on the virtual
//! disks of our machines that overlaps well across threads.

/// Applies `f` to every item on up to eight threads; results in order.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_with(items, || (), |(), item| f(item))
}

/// [`map`] where each thread first makes a state of its own with `init`
/// and hands it to `f` with every item it takes (a buffer, a template
/// context filled once).
pub(crate) fn map_with<T: Sync, S, R: Send>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> R + Sync,
) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 8);
    if workers == 1 || items.len() < 2 {
        let mut state = init();
        return items.iter().map(|item| f(&mut state, item)).collect();
    }
    let (f, init) = (&f, &init);
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    let mut state = init();
                    (w..items.len())
                        .step_by(workers)
                        .map(|i| (i, f(&mut state, &items[i])))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            // A panic in `f` is a bug: let it surface.
            for (i, r) in h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)) {
                slots[i] = Some(r);
            }
        }
    });
    slots
        .into_iter()
        .map(|r| r.expect("every slot filled"))
        .collect()
}

/// [`map_with`] of a fallible `f`: once an item fails, the threads take no
/// new items, and the error of the lowest failed item seen is returned (a
/// broken template is reported at once, not after every page of a national
/// map).
pub(crate) fn try_map_with<T: Sync, S, R: Send, E: Send>(
    items: &[T],
    init: impl Fn() -> S + Sync,
    f: impl Fn(&mut S, &T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let failed = AtomicBool::new(false);
    let results = map_with(items, init, |state, item| {
        if failed.load(Ordering::Relaxed) {
            return None;
        }
        let result = f(state, item);
        if result.is_err() {
            failed.store(true, Ordering::Relaxed);
        }
        Some(result)
    });
    // In order: the first error met is the lowest failed item's; an item
    // left undone (None) is only ever after a failure, so a run with no
    // error has every result.
    let mut done = Vec::with_capacity(items.len());
    for result in results.into_iter().flatten() {
        done.push(result?);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let v: Vec<usize> = (0..1000).collect();
        assert_eq!(
            super::map(&v, |x| x * 2),
            v.iter().map(|x| x * 2).collect::<Vec<_>>()
        );
        assert!(super::map(&Vec::<u8>::new(), |x| *x).is_empty());
    }

    #[test]
    fn map_with_keeps_a_state_per_thread() {
        let v: Vec<usize> = (0..1000).collect();
        // Each thread counts the items it has taken: its state lives on
        // from item to item, and no two threads share one.
        let counts = super::map_with(
            &v,
            || 0usize,
            |seen, _| {
                *seen += 1;
                *seen
            },
        );
        assert_eq!(counts.len(), 1000);
        assert!(counts.iter().any(|&c| c > 1), "the state is kept");
        // One thread per core, at most eight, each starting its count at 1.
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get().clamp(1, 8));
        assert_eq!(counts.iter().filter(|&&c| c == 1).count(), workers);
    }

    #[test]
    fn try_map_with_keeps_order_and_stops_at_an_error() {
        let v: Vec<usize> = (0..1000).collect();
        let doubled: Result<Vec<usize>, String> = super::try_map_with(&v, || (), |(), x| Ok(x * 2));
        assert_eq!(doubled, Ok(v.iter().map(|x| x * 2).collect()));
        let called = std::sync::atomic::AtomicUsize::new(0);
        let failed = super::try_map_with(
            &v,
            || (),
            |(), &x| {
                called.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if x >= 10 {
                    Err(format!("item {x}"))
                } else {
                    Ok(x)
                }
            },
        );
        let e = failed.expect_err("items from 10 on fail");
        assert!(e.starts_with("item "), "{e}");
        // Each thread stops at its first failure: far fewer than 1000 calls.
        assert!(called.into_inner() < 100);
    }
}
