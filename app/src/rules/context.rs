//! The context budget: which earlier turns of a conversation go upstream with a new prompt.
//! Written once: the server trims a kept conversation with it, and the `/studio` assistant
//! (whose conversation lives in the browser) trims its own with it.
//!
//! The newest earlier turns go whose characters together fit [`CONTEXT_BUDGET_CHARS`], at most
//! [`CONTEXT_MAX_TURNS`] of them, and never starting with an answer (a model reads an answer
//! without its question as a non sequitur). The new prompt and the system message with the
//! open file are not earlier turns: they always go, outside the budget.

/// Characters of earlier turns sent with a prompt (about 6,000 tokens at four characters each).
pub const CONTEXT_BUDGET_CHARS: usize = 24_000;
/// Earlier turns sent with a prompt, at most.
pub const CONTEXT_MAX_TURNS: usize = 40;

/// An earlier turn as the budget sees it.
pub trait Measured {
    /// Its length in characters.
    fn chars(&self) -> usize;
    /// Whether it is an answer (rather than a prompt).
    fn is_answer(&self) -> bool;
}

/// The newest turns of `earlier` (oldest first) that fit `budget` characters and
/// [`CONTEXT_MAX_TURNS`], not starting with an answer.
pub fn fit<T: Measured>(earlier: &[T], budget: usize) -> &[T] {
    let mut start = earlier.len();
    let mut used = 0usize;
    while start > 0 && earlier.len() - start < CONTEXT_MAX_TURNS {
        let n = earlier[start - 1].chars();
        if used + n > budget {
            break;
        }
        used += n;
        start -= 1;
    }
    while start < earlier.len() && earlier[start].is_answer() {
        start += 1;
    }
    &earlier[start..]
}

/// [`fit`] with [`CONTEXT_BUDGET_CHARS`].
pub fn trim<T: Measured>(earlier: &[T]) -> &[T] {
    fit(earlier, CONTEXT_BUDGET_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct T(&'static str, usize);

    impl Measured for T {
        fn chars(&self) -> usize {
            self.1
        }
        fn is_answer(&self) -> bool {
            self.0 == "assistant"
        }
    }

    fn roles(kept: &[T]) -> Vec<(&str, usize)> {
        kept.iter().map(|t| (t.0, t.1)).collect()
    }

    #[test]
    fn everything_goes_while_it_fits() {
        let turns = [T("user", 10), T("assistant", 20), T("user", 5)];
        assert_eq!(fit(&turns, 35).len(), 3);
        assert_eq!(fit(&[] as &[T], 35).len(), 0);
    }

    #[test]
    fn the_newest_turns_that_fit_go_and_never_an_answer_first() {
        let turns = [
            T("user", 10),
            T("assistant", 20),
            T("user", 5),
            T("assistant", 8),
        ];
        // 8 + 5 + 20 = 33 fits 33; the answer of 20 would lead, so it is dropped too.
        assert_eq!(roles(fit(&turns, 33)), [("user", 5), ("assistant", 8)]);
        // 8 + 5 + 20 + 10 = 43.
        assert_eq!(fit(&turns, 43).len(), 4);
        assert_eq!(fit(&turns, 42).len(), 2);
    }

    #[test]
    fn a_turn_larger_than_the_budget_stops_the_walk_even_if_older_ones_would_fit() {
        let turns = [
            T("user", 1),
            T("assistant", 1),
            T("user", 100),
            T("assistant", 2),
        ];
        // The newest answer fits, but alone it would lead: nothing goes.
        assert!(fit(&turns, 50).is_empty());
    }

    #[test]
    fn at_most_the_turn_cap_goes_however_short_they_are() {
        let turns: Vec<T> = (0..100)
            .map(|i| T(if i % 2 == 0 { "user" } else { "assistant" }, 1))
            .collect();
        let kept = trim(&turns);
        assert_eq!(kept.len(), CONTEXT_MAX_TURNS);
        assert_eq!(kept[0].0, "user");
        assert!(std::ptr::eq(kept.last().unwrap(), turns.last().unwrap()));
    }
}
