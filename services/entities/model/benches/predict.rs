//! Throughput of `NerModel::predict` in tokens per second.
//!
//! One core: `taskset -c 0 cargo bench -p copydesk-ner`.

use std::hint::black_box;

use copydesk_ner::{NerModel, default_model_dir};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// News-like sentences written for this benchmark (not CoNLL text), in
/// PTB-style tokens: 30 sentences, 511 tokens.
const DOCUMENT: &str = "\
The European Central Bank left interest rates unchanged on Thursday , but President Christine Lagarde said inflation in the euro zone was still too high .
Shares of Siemens AG fell 4 % in Frankfurt after the company cut its forecast for the year .
In Washington , Senate Majority Leader Chuck Schumer said a vote on the bill could come as early as next week .
Officials in Nairobi said heavy rains had flooded parts of western Kenya and displaced thousands of people .
Real Madrid beat Manchester City 3-1 at the Santiago Bernabeu to reach the Champions League final in London .
The United Nations said aid convoys were again crossing from Egypt into Gaza through the Rafah crossing .
Toyota Motor Corp. plans to build a new battery plant in North Carolina , a spokesman told Reuters .
Prime Minister Narendra Modi will travel to Tokyo and Seoul later this month , India 's foreign ministry said .
Oil prices rose after OPEC and its allies agreed to extend output cuts into the third quarter .
The Louvre in Paris was closed for a day after staff walked out over working conditions .
Analysts at Goldman Sachs expect the Federal Reserve to cut rates twice before the end of the year .
He said the talks in Geneva had been constructive but that no agreement had been reached .
Brazil 's President Luiz Inacio Lula da Silva met Chinese leader Xi Jinping in Beijing on Friday .
Microsoft said it would invest $ 10 billion in OpenAI over several years .
The World Health Organization warned that cases of measles were rising across Europe and Central Asia .
Police in Sydney arrested two men after a raid on a warehouse in the western suburbs .
Germany 's economy shrank in the first quarter , the Federal Statistics Office said on Tuesday .
Novak Djokovic withdrew from the Italian Open in Rome with a knee injury .
The company , which is based in Seattle , employs about 1,500 people in Canada and Mexico .
A spokeswoman for the European Commission declined to comment on the report .
Voters in Scotland will decide next year whether to leave the United Kingdom , the SNP said .
The Nikkei average closed up 1.2 percent at 38,500 points .
Amnesty International called on the government in Caracas to release the detained journalists .
The film , directed by Greta Gerwig , won the Golden Globe for best musical or comedy .
Egyptian and Qatari mediators were expected in Cairo on Sunday for a new round of talks .
It was not clear how many people had been hurt .
The Boeing 737 MAX was grounded by the Federal Aviation Administration after the accident .
Zurich Insurance Group reported a net profit of 1.1 billion Swiss francs for the quarter .
Farmers blocked roads near Brussels to protest against new rules from the European Union .
She told the BBC that she would not stand again in the next general election .";

fn bench(c: &mut Criterion) {
    let model = match NerModel::load(&default_model_dir()) {
        Ok(model) => model,
        Err(e) => panic!("{e}"),
    };
    let document: Vec<Vec<&str>> = DOCUMENT
        .lines()
        .map(|line| line.split(' ').collect())
        .collect();
    let tokens: usize = document.iter().map(Vec::len).sum();

    let mut group = c.benchmark_group("predict");
    group.throughput(Throughput::Elements(tokens as u64));
    group.bench_function("document_30_sentences", |b| {
        b.iter(|| black_box(model.predict(black_box(&document))))
    });
    group.bench_function("sentence_at_a_time", |b| {
        b.iter(|| {
            for sentence in &document {
                black_box(
                    model
                        .predict(black_box(std::slice::from_ref(sentence)))
                        .ok(),
                );
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
