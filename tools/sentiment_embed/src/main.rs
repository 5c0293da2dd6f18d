//! Sentence embeddings with all-MiniLM-L6-v2 on candle's CPU backend, as
//! sentence-transformers computes them (modules.json: Transformer, mean
//! Pooling, Normalize): WordPiece (lower case), at most 256 tokens, the BERT
//! encoder, the mean of the last hidden states over the real tokens, then
//! L2 normalisation.
//!
//! Usage: `sentiment-embed MODEL_DIR INPUT OUTPUT [--batch N]`
//!
//! INPUT has one text a line (UTF-8; a tab-separated line is embedded whole,
//! so cut the text column first). OUTPUT gets the embeddings as raw
//! little-endian f32, row-major `[lines × 384]`, in input order. The time
//! spent (model load, then encoding) goes to stderr.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// sentence_bert_config.json: `max_seq_length`.
const MAX_TOKENS: usize = 256;

struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
}

impl Embedder {
    fn load(dir: &Path) -> Result<Self> {
        let device = Device::Cpu;
        let config: Config = serde_json::from_slice(
            &std::fs::read(dir.join("config.json")).context("reading config.json")?,
        )?;
        let weights =
            std::fs::read(dir.join("model.safetensors")).context("reading model.safetensors")?;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)?;
        let model = BertModel::load(vb, &config)?;
        let mut tokenizer = Tokenizer::from_file(dir.join("tokenizer.json"))
            .map_err(|e| anyhow::anyhow!("reading tokenizer.json: {e}"))?;
        // tokenizer.json pads and truncates to a fixed 128; sentence-transformers
        // truncates at max_seq_length and pads each batch to its longest.
        tokenizer
            .with_truncation(Some(TruncationParams {
                max_length: MAX_TOKENS,
                ..Default::default()
            }))
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        tokenizer.with_padding(Some(PaddingParams {
            strategy: PaddingStrategy::BatchLongest,
            ..Default::default()
        }));
        Ok(Self {
            model,
            tokenizer,
            device,
        })
    }

    /// Embeds one batch: `[texts × hidden]`, L2-normalised rows.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(|e| anyhow::anyhow!("tokenizing: {e}"))?;
        let n = encodings.len();
        let len = encodings.first().map_or(0, |e| e.get_ids().len());
        let mut ids = Vec::with_capacity(n * len);
        let mut mask = Vec::with_capacity(n * len);
        for e in &encodings {
            ids.extend(e.get_ids().iter().copied());
            mask.extend(e.get_attention_mask().iter().copied());
        }
        let ids = Tensor::from_vec(ids, (n, len), &self.device)?;
        let mask = Tensor::from_vec(mask, (n, len), &self.device)?;
        let types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?; // [n, len, h]
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?; // [n, len, 1]
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?; // [n, h]
        let counts = mask.sum(1)?.clamp(1e-9, f64::INFINITY)?; // [n, 1]
        let mean = summed.broadcast_div(&counts)?;
        let norm = mean
            .sqr()?
            .sum_keepdim(1)?
            .sqrt()?
            .clamp(1e-12, f64::INFINITY)?;
        Ok(mean.broadcast_div(&norm)?.to_vec2()?)
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut positional = Vec::new();
    let mut batch = 32usize;
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--batch" {
            batch = args
                .get(i + 1)
                .context("--batch needs a number")?
                .parse()
                .context("--batch needs a number")?;
            i += 2;
        } else {
            positional.push(args[i].clone());
            i += 1;
        }
    }
    let [dir, input, output] = positional.as_slice() else {
        bail!("usage: sentiment-embed MODEL_DIR INPUT OUTPUT [--batch N]");
    };
    if batch == 0 {
        bail!("--batch must be at least 1");
    }

    let started = Instant::now();
    let embedder = Embedder::load(&PathBuf::from(dir))?;
    let loaded = started.elapsed();

    let text = std::fs::read_to_string(input).with_context(|| format!("reading {input}"))?;
    let lines: Vec<&str> = text.lines().collect();
    // Sorting by length keeps the padding in each batch small.
    let mut order: Vec<usize> = (0..lines.len()).collect();
    order.sort_by_key(|&k| lines[k].len());
    let mut rows: Vec<Vec<f32>> = vec![Vec::new(); lines.len()];
    let encoding = Instant::now();
    for chunk in order.chunks(batch) {
        let texts: Vec<&str> = chunk.iter().map(|&k| lines[k]).collect();
        for (&k, row) in chunk.iter().zip(embedder.embed(&texts)?) {
            rows[k] = row;
        }
    }
    let encoded = encoding.elapsed();

    let mut bytes = Vec::with_capacity(rows.len() * 384 * 4);
    for row in &rows {
        for v in row {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
    }
    std::fs::write(output, bytes).with_context(|| format!("writing {output}"))?;
    let secs = encoded.as_secs_f64();
    eprintln!(
        "loaded in {:.2} s; embedded {} texts in {:.2} s ({:.1} texts/s, batch {batch})",
        loaded.as_secs_f64(),
        lines.len(),
        secs,
        lines.len() as f64 / secs.max(1e-9),
    );
    Ok(())
}
