//! Viterbi decoding and BIOES tags to name spans, as NeuroNER does them.

use crate::{NameLabel, NameSpan};

/// NeuroNER pads the label scores with a start and an end state
/// (entity_lstm.py: `small_score = -1000.0`, `large_score = 0.0`).
const SMALL_SCORE: f32 = -1000.0;
const LARGE_SCORE: f32 = 0.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Prefix {
    B,
    I,
    E,
    S,
    O,
}

/// One BIOES label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Tag {
    pub prefix: Prefix,
    pub label: Option<NameLabel>,
}

impl Tag {
    pub(crate) const OUTSIDE: Tag = Tag {
        prefix: Prefix::O,
        label: None,
    };

    pub(crate) fn parse(s: &str) -> Option<Tag> {
        if s == "O" {
            return Some(Tag::OUTSIDE);
        }
        let (prefix, name) = s.split_once('-')?;
        let prefix = match prefix {
            "B" => Prefix::B,
            "I" => Prefix::I,
            "E" => Prefix::E,
            "S" => Prefix::S,
            _ => return None,
        };
        Some(Tag {
            prefix,
            label: Some(NameLabel::from_conll_name(name)?),
        })
    }
}

/// Viterbi over `n_labels + 2` states with reusable buffers.
pub(crate) struct Decoder {
    states: usize,
    trellis_prev: Vec<f32>,
    trellis_next: Vec<f32>,
    backpointers: Vec<u8>,
    path: Vec<usize>,
}

impl Decoder {
    pub(crate) fn new(n_labels: usize) -> Decoder {
        Decoder {
            states: n_labels + 2,
            trellis_prev: Vec::new(),
            trellis_next: Vec::new(),
            backpointers: Vec::new(),
            path: Vec::new(),
        }
    }

    /// The best label index per token. `scores` is `[tokens × n_labels]`;
    /// `transitions` is `[(n_labels+2) × (n_labels+2)]`, from-state rows.
    ///
    /// A copy of `tf.contrib.crf.viterbi_decode` over NeuroNER's padded
    /// scores (a start row, the tokens with two -1000 columns, an end row),
    /// in f32 like the original, ties going to the lowest index as with
    /// `np.argmax`, so that decisions match bit for bit.
    pub(crate) fn viterbi(&mut self, scores: &[f32], transitions: &[f32]) -> &[usize] {
        let k = self.states;
        let n_labels = k - 2;
        let n = scores.len() / n_labels;
        self.path.clear();
        if n == 0 {
            return &self.path;
        }
        let padded_row = |t: usize, j: usize| -> f32 {
            // Row 0 = start, rows 1..=n = tokens, row n+1 = end.
            if t == 0 {
                if j == n_labels {
                    LARGE_SCORE
                } else {
                    SMALL_SCORE
                }
            } else if t == n + 1 {
                if j == n_labels + 1 {
                    LARGE_SCORE
                } else {
                    SMALL_SCORE
                }
            } else if j < n_labels {
                scores[(t - 1) * n_labels + j]
            } else {
                SMALL_SCORE
            }
        };
        let steps = n + 2;
        self.trellis_prev.clear();
        self.trellis_prev.extend((0..k).map(|j| padded_row(0, j)));
        self.trellis_next.clear();
        self.trellis_next.resize(k, 0.0);
        self.backpointers.clear();
        self.backpointers.resize(steps * k, 0);
        for t in 1..steps {
            for j in 0..k {
                let mut best = self.trellis_prev[0] + transitions[j];
                let mut arg = 0usize;
                for i in 1..k {
                    let v = self.trellis_prev[i] + transitions[i * k + j];
                    if v > best {
                        best = v;
                        arg = i;
                    }
                }
                self.trellis_next[j] = padded_row(t, j) + best;
                // k ≤ 256 is checked when the weights are loaded.
                self.backpointers[t * k + j] = arg as u8;
            }
            std::mem::swap(&mut self.trellis_prev, &mut self.trellis_next);
        }
        let mut last = 0;
        for j in 1..k {
            if self.trellis_prev[j] > self.trellis_prev[last] {
                last = j;
            }
        }
        // Walk back from the end row; keep the token rows only.
        let mut state = last;
        for t in (1..steps).rev() {
            state = usize::from(self.backpointers[t * k + state]);
            if t > 1 {
                self.path.push(state);
            }
        }
        self.path.reverse();
        &self.path
    }
}

/// Names from a BIOES label path, the way NeuroNER reports them: the tags
/// are first read as BIO (`utils_nlp.bioes_to_bio`), then chunked by
/// conlleval's rules. A stray start/end state counts as `O`.
pub(crate) fn spans(path: &[usize], labels: &[Tag]) -> Vec<NameSpan> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, NameLabel)> = None;
    let mut previous: Option<NameLabel> = None;
    for (i, &index) in path.iter().enumerate() {
        let tag = labels.get(index).copied().unwrap_or(Tag::OUTSIDE);
        // bioes_to_bio: I/E continue only a name of the same type; S starts one.
        let (begins, label) = match (tag.prefix, tag.label) {
            (Prefix::O, _) | (_, None) => (false, None),
            (Prefix::B | Prefix::S, Some(l)) => (true, Some(l)),
            (Prefix::I | Prefix::E, Some(l)) => (previous != Some(l), Some(l)),
        };
        previous = label;
        if let Some((start, open_label)) = open
            && (begins || label != Some(open_label))
        {
            spans.push(NameSpan {
                start,
                end: i,
                label: open_label,
            });
            open = None;
        }
        if let (true, Some(l)) = (begins, label) {
            open = Some((i, l));
        }
    }
    if let Some((start, label)) = open {
        spans.push(NameSpan {
            start,
            end: path.len(),
            label,
        });
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(names: &[&str]) -> (Vec<usize>, Vec<Tag>) {
        let labels: Vec<Tag> = names.iter().map(|s| Tag::parse(s).unwrap()).collect();
        ((0..names.len()).collect(), labels)
    }

    #[test]
    fn bioes_spans_follow_neuroner() {
        let (path, labels) = tags(&[
            "B-PER", "E-PER", "O", "S-LOC", "S-LOC", "I-ORG", "E-ORG", "E-MISC", "B-LOC",
        ]);
        let got: Vec<(usize, usize, NameLabel)> = spans(&path, &labels)
            .iter()
            .map(|s| (s.start, s.end, s.label))
            .collect();
        assert_eq!(
            got,
            vec![
                (0, 2, NameLabel::Person),
                (3, 4, NameLabel::Location),
                (4, 5, NameLabel::Location),
                (5, 7, NameLabel::Organization),
                (7, 8, NameLabel::Misc),
                (8, 9, NameLabel::Location),
            ]
        );
    }

    #[test]
    fn viterbi_of_nothing_is_empty() {
        let mut d = Decoder::new(17);
        assert!(d.viterbi(&[], &[0.0; 19 * 19]).is_empty());
    }
}
