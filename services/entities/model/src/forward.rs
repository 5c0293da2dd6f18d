//! The forward pass: character BiLSTM, token BiLSTM, dense layers.
//!
//! Batching: every token of every sentence goes through the character LSTM
//! together, and every sentence through the token LSTM together. Instead of
//! padding with masks, sequences are sorted by length (longest first), so at
//! step t the sequences still running are a prefix of that order: each step
//! is one batched matmul over that prefix, and a finished sequence simply
//! keeps its state, which is what TensorFlow's `dynamic_rnn` with
//! `sequence_length` does. Nothing is computed for padding.
//!
//! The big products (input projections, dense layers) and the per-step
//! recurrent products go through matrixmultiply's sgemm (via ndarray, with
//! runtime AVX/FMA dispatch), on the calling thread: the service runs many
//! documents at once, one per thread, and candle's CPU matmul (used before) and
//! element-wise ops would each fan out to a shared thread pool that
//! serialises concurrent callers behind one lock and spins while it waits
//! (and reads /proc/cpuinfo on every matmul). The weights are read from
//! the safetensors file straight into ndarray matrices. The gate arithmetic is plain loops
//! over flat buffers that the compiler vectorises. Allocations are per
//! batch or per step, never per token.

use std::cmp::Reverse;

use ndarray::linalg::general_mat_mul;
use ndarray::{Array2, ArrayView2, ArrayViewMut2, Axis, Slice};
use safetensors::{Dtype, SafeTensors};

use crate::Error;
use crate::load::Vocab;

/// The CIFG cell's forget bias (`forget_bias=1.0` in entity_lstm.py).
const FORGET_BIAS: f32 = 1.0;

/// Weights rearranged for inference at load time.
#[derive(Debug)]
pub(crate) struct Weights {
    /// Character hidden size (25).
    char_hidden: usize,
    /// Per direction: `char_embedding · W_x + b` for every character row,
    /// `[rows × 3·char_hidden]`, so a character step needs no input product.
    char_input: [Vec<f32>; 2],
    /// Per direction, `[char_hidden × 3·char_hidden]`: the recurrent part of
    /// each kernel.
    char_recurrent: [Array2<f32>; 2],
    char_initial: [State; 2],
    /// `[token rows × embedding]`, gathered by slice copy.
    token_embedding: Vec<f32>,
    embedding: usize,
    /// Token hidden size (100).
    hidden: usize,
    /// `[features, 6·hidden]`: input parts of the forward and backward
    /// kernels side by side, so both directions' projections are one matmul.
    token_input: Array2<f32>,
    /// `[6·hidden]`, forward then backward bias.
    token_bias: Vec<f32>,
    /// Per direction, `[hidden × 3·hidden]`.
    token_recurrent: [Array2<f32>; 2],
    token_initial: [State; 2],
    /// `[2·hidden, dense]` and `[dense]`: the tanh layer.
    dense_weight: Array2<f32>,
    dense_bias: Vec<f32>,
    /// `[dense, labels]` and `[labels]`.
    score_weight: Array2<f32>,
    score_bias: Vec<f32>,
    /// `[(labels+2)²]`, row = from-state.
    pub(crate) transitions: Vec<f32>,
}

/// A learned initial LSTM state.
#[derive(Debug)]
struct State {
    c: Vec<f32>,
    h: Vec<f32>,
}

/// The named f32 tensor of `rank` (1 or 2) as a matrix: a rank-1 tensor is
/// one row.
fn get(tensors: &SafeTensors<'_>, name: &str, rank: usize) -> Result<Array2<f32>, String> {
    let t = tensors
        .tensor(name)
        .map_err(|_| format!("model.safetensors lacks tensor {name}"))?;
    let shape = t.shape();
    if t.dtype() != Dtype::F32 || shape.len() != rank {
        return Err(format!(
            "tensor {name}: expected rank-{rank} f32, found {:?} {shape:?}",
            t.dtype()
        ));
    }
    let values = t
        .data()
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let dims = match *shape {
        [n] => (1, n),
        [rows, cols] => (rows, cols),
        _ => unreachable!("rank checked above"),
    };
    Array2::from_shape_vec(dims, values).map_err(|e| format!("tensor {name}: {e}"))
}

fn expect_dims(name: &str, t: &Array2<f32>, dims: &[usize]) -> Result<(), String> {
    // A rank-1 tensor is held as one row.
    let held = match dims {
        [n] => [1, *n],
        [rows, cols] => [*rows, *cols],
        _ => return Err(format!("tensor {name}: unexpected rank {}", dims.len())),
    };
    if t.shape() == held {
        Ok(())
    } else {
        Err(format!(
            "tensor {name}: shape {:?}, expected {dims:?}",
            t.shape()
        ))
    }
}

/// Some rows of `t` (a kernel's rows are `[x, h_prev]`: the input part and
/// the recurrent part).
fn rows(t: &Array2<f32>, range: impl Into<Slice>) -> ArrayView2<'_, f32> {
    t.slice_axis(Axis(0), range.into())
}

/// The values in row-major order.
fn flat(t: &Array2<f32>) -> Vec<f32> {
    t.iter().copied().collect()
}

/// `a · b` for row-major `a` (`[rows × b.rows]`, flat), into a new flat
/// `[rows × b.cols]` buffer, plus `bias` (`[b.cols]`) on every row.
fn affine(a: &[f32], rows: usize, b: &Array2<f32>, bias: &[f32]) -> Result<Vec<f32>, Error> {
    let (inner, cols) = b.dim();
    let mut out = vec![0f32; rows * cols];
    product(a, rows, inner, b, &mut out)?;
    for row in out.chunks_exact_mut(cols) {
        for (v, b) in row.iter_mut().zip(bias) {
            *v += b;
        }
    }
    Ok(out)
}

/// `out = a · b`, `a` being `[rows × inner]` row-major and `out` `[rows ×
/// b.cols]`, on this thread.
fn product(
    a: &[f32],
    rows: usize,
    inner: usize,
    b: &Array2<f32>,
    out: &mut [f32],
) -> Result<(), Error> {
    let cols = b.ncols();
    let shape = |e: ndarray::ShapeError| Error::Inference(format!("matrix product: {e}"));
    let a = ArrayView2::from_shape((rows, inner), a).map_err(shape)?;
    let mut c = ArrayViewMut2::from_shape((rows, cols), out).map_err(shape)?;
    general_mat_mul(1.0, &a, b, 0.0, &mut c);
    Ok(())
}

impl Weights {
    /// Builds the weights from the safetensors bytes; the error is a message
    /// for [`crate::Error::Load`].
    pub(crate) fn from_safetensors(bytes: &[u8], vocab: &Vocab) -> Result<Weights, String> {
        let tensors =
            SafeTensors::deserialize(bytes).map_err(|e| format!("model.safetensors: {e}"))?;
        Self::build(&tensors, vocab).map_err(|e| format!("model.safetensors: {e}"))
    }

    fn build(tensors: &SafeTensors<'_>, vocab: &Vocab) -> Result<Weights, String> {
        let char_embedding = get(tensors, "char_embedding.weight", 2)?;
        let (char_rows, char_dim) = char_embedding.dim();
        if char_rows != vocab.n_char_rows {
            return Err(format!(
                "char_embedding.weight has {char_rows} rows, characters.txt {}",
                vocab.n_char_rows
            ));
        }
        let char_hidden = get(tensors, "char_lstm.forward.initial_c", 2)?.ncols();
        let token_embedding = get(tensors, "token_embedding.weight", 2)?;
        let (token_rows, embedding) = token_embedding.dim();
        if token_rows != vocab.n_token_rows {
            return Err(format!(
                "token_embedding.weight has {token_rows} rows, tokens.txt {}",
                vocab.n_token_rows
            ));
        }
        let hidden = get(tensors, "token_lstm.forward.initial_c", 2)?.ncols();
        let features = 2 * char_hidden + embedding;
        let labels = vocab.labels.len();
        // Backpointers are stored as u8.
        if labels + 2 > 256 {
            return Err(format!("{labels} labels: at most 254 are supported"));
        }

        let mut char_input: [Vec<f32>; 2] = [Vec::new(), Vec::new()];
        let mut char_recurrent = Vec::with_capacity(2);
        let mut token_input = Vec::with_capacity(2);
        let mut token_bias = Vec::with_capacity(2);
        let mut token_recurrent = Vec::with_capacity(2);
        let mut char_initial = Vec::with_capacity(2);
        let mut token_initial = Vec::with_capacity(2);
        for (d, direction) in ["forward", "backward"].into_iter().enumerate() {
            let lstm = |layer: &str, input: usize, h: usize| -> Result<_, String> {
                let name = |part: &str| format!("{layer}.{direction}.{part}");
                let kernel = get(tensors, &name("kernel"), 2)?;
                expect_dims(&name("kernel"), &kernel, &[input + h, 3 * h])?;
                let bias = get(tensors, &name("bias"), 1)?;
                expect_dims(&name("bias"), &bias, &[3 * h])?;
                let c = get(tensors, &name("initial_c"), 2)?;
                expect_dims(&name("initial_c"), &c, &[1, h])?;
                let hh = get(tensors, &name("initial_h"), 2)?;
                expect_dims(&name("initial_h"), &hh, &[1, h])?;
                let state = State {
                    c: flat(&c),
                    h: flat(&hh),
                };
                Ok((kernel, bias, state))
            };
            let (kernel, bias, state) = lstm("char_lstm", char_dim, char_hidden)?;
            // Rows of the kernel: [x, h_prev]; split them into the input part
            // (folded into a per-character table) and the recurrent part.
            let table = char_embedding.dot(&rows(&kernel, ..char_dim)) + &bias;
            char_input[d] = flat(&table);
            char_recurrent.push(rows(&kernel, char_dim..).to_owned());
            char_initial.push(state);

            let (kernel, bias, state) = lstm("token_lstm", features, hidden)?;
            token_input.push(rows(&kernel, ..features).to_owned());
            token_bias.push(bias);
            token_recurrent.push(rows(&kernel, features..).to_owned());
            token_initial.push(state);
        }

        let dense_weight = get(tensors, "hidden.weight", 2)?;
        let dense = dense_weight.ncols();
        expect_dims("hidden.weight", &dense_weight, &[2 * hidden, dense])?;
        let dense_bias = get(tensors, "hidden.bias", 1)?;
        expect_dims("hidden.bias", &dense_bias, &[dense])?;
        let score_weight = get(tensors, "scores.weight", 2)?;
        expect_dims("scores.weight", &score_weight, &[dense, labels])?;
        let score_bias = get(tensors, "scores.bias", 1)?;
        expect_dims("scores.bias", &score_bias, &[labels])?;
        let transitions = get(tensors, "crf.transitions", 2)?;
        expect_dims("crf.transitions", &transitions, &[labels + 2, labels + 2])?;

        let [char_fw, char_bw]: [State; 2] = char_initial
            .try_into()
            .map_err(|_| "internal: two directions".to_owned())?;
        let [token_fw, token_bw]: [State; 2] = token_initial
            .try_into()
            .map_err(|_| "internal: two directions".to_owned())?;
        let concat = |axis: usize, parts: &[Array2<f32>]| {
            let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
            ndarray::concatenate(Axis(axis), &views).map_err(|e| e.to_string())
        };
        let [char_recurrent_fw, char_recurrent_bw]: [Array2<f32>; 2] = char_recurrent
            .try_into()
            .map_err(|_| "internal: two directions".to_owned())?;
        let [token_recurrent_fw, token_recurrent_bw]: [Array2<f32>; 2] = token_recurrent
            .try_into()
            .map_err(|_| "internal: two directions".to_owned())?;
        Ok(Weights {
            char_hidden,
            char_input,
            char_recurrent: [char_recurrent_fw, char_recurrent_bw],
            char_initial: [char_fw, char_bw],
            token_embedding: flat(&token_embedding),
            embedding,
            hidden,
            token_input: concat(1, &token_input)?,
            token_bias: flat(&concat(1, &token_bias)?),
            token_recurrent: [token_recurrent_fw, token_recurrent_bw],
            token_initial: [token_fw, token_bw],
            dense_weight,
            dense_bias: flat(&dense_bias),
            score_weight,
            score_bias: flat(&score_bias),
            transitions: flat(&transitions),
        })
    }
}

/// tanh by Eigen's rational approximation (also XLA's and TensorFlow's CPU
/// kernel): odd 13/6 minimax, clamped where tanh rounds to ±1 in f32.
/// Branch-free, so loops over it vectorise; libm's tanhf does not.
#[inline(always)]
fn tanh(x: f32) -> f32 {
    const CLAMP: f32 = 7.905_311;
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    let mut p = x2 * -2.760_768_5e-16 + 2.000_188e-13;
    p = x2 * p + -8.604_672e-11;
    p = x2 * p + 5.122_297e-8;
    p = x2 * p + 1.485_722_4e-5;
    p = x2 * p + 6.372_619e-4;
    p = x2 * p + 4.893_524_6e-3;
    p *= x;
    let mut q = x2 * 1.198_258_4e-6 + 1.185_347e-4;
    q = x2 * q + 2.268_434_6e-3;
    q = x2 * q + 4.893_525e-3;
    p / q
}

#[inline(always)]
fn sigmoid(x: f32) -> f32 {
    0.5 * tanh(0.5 * x) + 0.5
}

/// One CoupledInputForgetGateLSTMCell step (no peepholes):
/// `[j, f, o] = x·W_x + b + h·W_h`; `f = σ(f + 1)`;
/// `c = f·c + (1 − f)·tanh(j)`; `h = σ(o)·tanh(c)`.
/// `gates` holds `h·W_h`, `input` the precomputed `x·W_x + b`.
#[inline]
fn cell(gates: &[f32], input: &[f32], c: &mut [f32], h: &mut [f32]) {
    let n = c.len();
    let (gj, gf, go) = (&gates[..n], &gates[n..2 * n], &gates[2 * n..3 * n]);
    let (xj, xf, xo) = (&input[..n], &input[n..2 * n], &input[2 * n..3 * n]);
    let h = &mut h[..n];
    for k in 0..n {
        let f = sigmoid(gf[k] + xf[k] + FORGET_BIAS);
        let j = tanh(gj[k] + xj[k]);
        let cell = f * c[k] + (1.0 - f) * j;
        c[k] = cell;
        h[k] = sigmoid(go[k] + xo[k]) * tanh(cell);
    }
}

/// Runs both directions of a CIFG LSTM over `lens.len()` sequences, which
/// must be sorted by length, longest first. `input(direction, sequence,
/// position)` is the precomputed input projection (with bias) of that
/// position; `emit` receives each new `h`. Returns the final `h` states,
/// `[2][sequences × hidden]`.
fn bilstm(
    recurrent: &[Array2<f32>; 2],
    initial: &[State; 2],
    lens: &[usize],
    input: impl Fn(usize, usize, usize) -> usize,
    inputs: &[f32],
    mut emit: impl FnMut(usize, usize, usize, &[f32]),
) -> Result<[Vec<f32>; 2], Error> {
    let hidden = initial[0].c.len();
    let sequences = lens.len();
    let mut c: [Vec<f32>; 2] = [Vec::new(), Vec::new()];
    let mut h: [Vec<f32>; 2] = [Vec::new(), Vec::new()];
    for d in 0..2 {
        c[d] = initial[d].c.repeat(sequences);
        h[d] = initial[d].h.repeat(sequences);
    }
    let steps = lens.first().copied().unwrap_or(0);
    let mut active = sequences;
    let g = 3 * hidden;
    let mut gates = vec![0f32; sequences * g];
    for t in 0..steps {
        while active > 0 && lens[active - 1] <= t {
            active -= 1;
        }
        for d in 0..2 {
            let gates = &mut gates[..active * g];
            product(
                &h[d][..active * hidden],
                active,
                hidden,
                &recurrent[d],
                gates,
            )?;
            for i in 0..active {
                let position = if d == 0 { t } else { lens[i] - 1 - t };
                let x = input(d, i, position);
                let row = i * g;
                let (cs, hs) = (
                    &mut c[d][i * hidden..(i + 1) * hidden],
                    &mut h[d][i * hidden..(i + 1) * hidden],
                );
                cell(&gates[row..row + g], &inputs[x..x + g], cs, hs);
                emit(d, i, position, hs);
            }
        }
    }
    Ok(h)
}

/// Unary label scores `[tokens × labels]` for all sentences, concatenated.
pub(crate) fn label_scores(
    w: &Weights,
    vocab: &Vocab,
    sentences: &[Vec<&str>],
) -> Result<Vec<f32>, Error> {
    let n: usize = sentences.iter().map(Vec::len).sum();
    if n == 0 {
        return Ok(Vec::new());
    }
    let ch = w.char_hidden;
    let e = w.embedding;
    let features = 2 * ch + e;

    // Character rows of every token, flattened; token spans into them.
    let mut chars: Vec<u8> = Vec::with_capacity(n * 8);
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(n);
    let mut x = vec![0f32; n * features];
    for (i, token) in sentences.iter().flatten().enumerate() {
        let start = chars.len();
        chars.extend(token.chars().map(|c| vocab.char_row(c)));
        spans.push((start, chars.len() - start));
        let row = vocab.token_row(token) as usize;
        x[i * features + 2 * ch..(i + 1) * features]
            .copy_from_slice(&w.token_embedding[row * e..(row + 1) * e]);
    }

    // Character BiLSTM over all tokens; the final forward and backward h
    // are the first 2·ch features of each token.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| Reverse(spans[i].1));
    let lens: Vec<usize> = order.iter().map(|&i| spans[i].1).collect();
    let gc = 3 * ch;
    let table_len = w.char_input[0].len();
    // Both directions' tables in one buffer so that `input` is an offset.
    let mut tables = Vec::with_capacity(2 * table_len);
    tables.extend_from_slice(&w.char_input[0]);
    tables.extend_from_slice(&w.char_input[1]);
    let final_h = bilstm(
        &w.char_recurrent,
        &w.char_initial,
        &lens,
        |d, i, position| {
            let (start, _) = spans[order[i]];
            d * table_len + usize::from(chars[start + position]) * gc
        },
        &tables,
        |_, _, _, _| {},
    )?;
    for (i, &token) in order.iter().enumerate() {
        let row = &mut x[token * features..token * features + 2 * ch];
        row[..ch].copy_from_slice(&final_h[0][i * ch..(i + 1) * ch]);
        row[ch..].copy_from_slice(&final_h[1][i * ch..(i + 1) * ch]);
    }

    // Input projections of both token-LSTM directions in one product.
    let hd = w.hidden;
    let projected = affine(&x, n, &w.token_input, &w.token_bias)?;

    // Token BiLSTM over the sentences; outputs [n × 2·hidden], forward then
    // backward h of each token, as tf.concat(outputs, axis=2) lays them out.
    let mut offsets = Vec::with_capacity(sentences.len());
    let mut offset = 0;
    for s in sentences {
        offsets.push(offset);
        offset += s.len();
    }
    let mut order: Vec<usize> = (0..sentences.len()).collect();
    order.sort_by_key(|&s| Reverse(sentences[s].len()));
    let lens: Vec<usize> = order.iter().map(|&s| sentences[s].len()).collect();
    let starts: Vec<usize> = order.iter().map(|&s| offsets[s]).collect();
    let mut outputs = vec![0f32; n * 2 * hd];
    bilstm(
        &w.token_recurrent,
        &w.token_initial,
        &lens,
        |d, i, position| (starts[i] + position) * 6 * hd + d * 3 * hd,
        &projected,
        |d, i, position, h| {
            let at = (starts[i] + position) * 2 * hd + d * hd;
            outputs[at..at + hd].copy_from_slice(h);
        },
    )?;

    let mut dense = affine(&outputs, n, &w.dense_weight, &w.dense_bias)?;
    for v in dense.iter_mut() {
        *v = tanh(*v);
    }
    affine(&dense, n, &w.score_weight, &w.score_bias)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_tanh_is_close_to_libm() {
        let mut worst = 0f32;
        for i in -20_000..=20_000 {
            let x = i as f32 / 1000.0;
            worst = worst.max((tanh(x) - x.tanh()).abs());
            worst = worst.max((sigmoid(x) - 1.0 / (1.0 + (-x).exp())).abs());
        }
        assert!(worst < 2e-6, "max error {worst}");
    }
}
