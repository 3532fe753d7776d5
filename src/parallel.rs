//! A parallel `map` over a slice, on scoped threads, keeping the order.
//! Used where the time goes into the kernel creating files: on the virtual
//! disks of our machines that overlaps well across threads.

/// Applies `f` to every item on up to eight threads; results in order.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 8);
    if workers == 1 || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let f = &f;
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                s.spawn(move || {
                    (w..items.len())
                        .step_by(workers)
                        .map(|i| (i, f(&items[i])))
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

/// [`map`] of a fallible `f`: once an item fails, the threads take no
/// new items, and the error of the lowest failed item seen is returned (a
/// broken template is reported at once, not after every page of a national
/// map).
pub(crate) fn try_map<T: Sync, R: Send, E: Send>(
    items: &[T],
    f: impl Fn(&T) -> Result<R, E> + Sync,
) -> Result<Vec<R>, E> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let failed = AtomicBool::new(false);
    let results = map(items, |item| {
        if failed.load(Ordering::Relaxed) {
            return None;
        }
        let result = f(item);
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
    fn try_map_keeps_order_and_stops_at_an_error() {
        let v: Vec<usize> = (0..1000).collect();
        let doubled: Result<Vec<usize>, String> = super::try_map(&v, |x| Ok(x * 2));
        assert_eq!(doubled, Ok(v.iter().map(|x| x * 2).collect()));
        let called = std::sync::atomic::AtomicUsize::new(0);
        let failed = super::try_map(&v, |&x| {
            called.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if x >= 10 {
                Err(format!("item {x}"))
            } else {
                Ok(x)
            }
        });
        let e = failed.expect_err("items from 10 on fail");
        assert!(e.starts_with("item "), "{e}");
        // Each thread stops at its first failure: far fewer than 1000 calls.
        assert!(called.into_inner() < 100);
    }
}
