# -*- coding: utf-8 -*-
# The walkthrough's steps: title, description (with buttons), markdown media; English and Korean.
STEPS = [
 dict(id='rnn', done=['onCommand:seqlens.stepThrough'],
  en=dict(title='An RNN reads a sentence',
   desc='A recurrent network reads one word at a time and carries a hidden state from word to word. Step through a sentence and watch the state change at each word.\n[Step through a sentence](command:seqlens.course.rnn)',
   md='''# An RNN reads a sentence

At every word *t* the network mixes the word's embedding **x**<sub>t</sub> with what it carried so far:

**h**<sub>t</sub> = tanh(W **x**<sub>t</sub> + U **h**<sub>t−1</sub> + **b**)

The same weights read every word, so a sentence of any length is read by one small network.

**What to look for** in the Timesteps panel (bottom of the window):

- the heatmap of **h** at every step: each column is a word, each row a unit;
- move the caret along the sentence in the editor: the panel's step follows it, and hovering a word in the panel lights it in the editor;
- the next-word prediction at each step: what the network expects after the words so far.
'''),
  ko=dict(title='RNN이 문장을 읽는다',
   desc='순환 신경망은 한 번에 한 단어씩 읽으며 은닉 상태를 다음 단어로 넘깁니다. 문장을 한 단계씩 따라가며 단어마다 상태가 어떻게 바뀌는지 보세요.\n[문장을 한 단계씩 보기](command:seqlens.course.rnn)',
   md='''# RNN이 문장을 읽는다

단어 *t*마다 네트워크는 그 단어의 임베딩 **x**<sub>t</sub>와 지금까지 가져온 상태를 섞습니다:

**h**<sub>t</sub> = tanh(W **x**<sub>t</sub> + U **h**<sub>t−1</sub> + **b**)

모든 단어를 같은 가중치로 읽기 때문에, 길이가 얼마든 작은 네트워크 하나가 문장 전체를 읽습니다.

Timesteps 패널(창 아래쪽)에서 **볼 것**:

- 단계마다의 **h** 히트맵: 열 하나가 단어 하나, 행 하나가 유닛 하나입니다;
- 편집기에서 커서를 문장 위로 옮기면 패널의 단계가 따라오고, 패널에서 단어 위에 마우스를 올리면 편집기의 그 단어가 강조됩니다;
- 단계마다의 다음 단어 예측: 지금까지의 단어 뒤에 네트워크가 무엇을 기대하는지.
''')),
 dict(id='activations', done=['onCommand:seqlens.compareCells'], experiment='vanishing-gradients',
  en=dict(title='tanh vs sigmoid: vanishing gradients',
   desc='The same RNN with sigmoid squeezes its states into (0, 1), and the gradient that reaches words far back shrinks faster. Compare the cells on one sentence, then run the experiment.\n[Compare the cells](command:seqlens.course.activations)\n[Run the experiment: sigmoid vs tanh](command:seqlens.runExperiment?%22vanishing-gradients%22)',
   md='''# tanh vs sigmoid: vanishing gradients

Training reaches a word *k* steps back through a product of *k* Jacobians ∂**h**<sub>t</sub>/∂**h**<sub>t−1</sub>. Each has the activation's slope in it: tanh′ is at most 1, sigmoid′ at most 0.25, so with sigmoid the product shrinks about four times faster a step, and the states sit in (0, 1), never centred on 0.

**What to look for** in Compare Cells:

- the chart of ‖∂**h**<sub>T</sub>/∂**h**<sub>t</sub>‖ by steps back: the sigmoid RNN's curve falls first, the LSTM's last;
- on this sentence ("The key to the old cabinets is …") the next word each cell expects: the sigmoid RNN follows the nearer "cabinets".

The experiment trains both RNNs on the same data and seed (about a minute) and shows the loss curves and the gradient norms side by side in the Runs view.
'''),
  ko=dict(title='tanh 대 sigmoid: 기울기 소실',
   desc='같은 RNN이라도 sigmoid를 쓰면 상태가 (0, 1)에 갇히고, 먼 앞 단어까지 가는 기울기가 더 빨리 줄어듭니다. 한 문장에서 셀들을 비교한 뒤 실험을 돌려 보세요.\n[셀 비교하기](command:seqlens.course.activations)\n[실험 실행: sigmoid 대 tanh](command:seqlens.runExperiment?%22vanishing-gradients%22)',
   md='''# tanh 대 sigmoid: 기울기 소실

학습은 *k* 단계 앞의 단어에 야코비안 ∂**h**<sub>t</sub>/∂**h**<sub>t−1</sub> *k*개의 곱을 거쳐 닿습니다. 각각에 활성화 함수의 기울기가 들어 있는데, tanh′는 최대 1, sigmoid′는 최대 0.25이므로 sigmoid에서는 곱이 단계마다 약 네 배 빨리 작아지고, 상태도 0을 중심으로 하지 않고 (0, 1)에 머뭅니다.

Compare Cells에서 **볼 것**:

- 몇 단계 앞인지에 따른 ‖∂**h**<sub>T</sub>/∂**h**<sub>t</sub>‖ 그래프: sigmoid RNN의 곡선이 가장 먼저, LSTM이 가장 늦게 떨어집니다;
- 이 문장("The key to the old cabinets is …")에서 각 셀이 기대하는 다음 단어: sigmoid RNN은 더 가까운 "cabinets"를 따라갑니다.

실험은 두 RNN을 같은 데이터와 시드로 학습시키고(약 1분) Runs 보기에서 손실 곡선과 기울기 크기를 나란히 보여 줍니다.
''')),
 dict(id='heads', done=['onCommand:seqlens.stepThrough'],
  en=dict(title='Tagging vs sentiment',
   desc='One encoder read two ways: a tagger reads the output at every step, a sentiment classifier reads only the last state. Read a sentence both ways.\n[Read a sentence both ways](command:seqlens.course.heads)',
   md='''# Tagging vs sentiment

The same recurrent encoder, two readouts:

- **tagging** reads the output at *every* step: a part of speech after every word (written after each word in the editor);
- **sentiment** reads the *last* state only: one label for the whole sentence.

**What to look for**: on "the song that they hate is wonderful ." the sentiment of the prefix turns negative at "hate", and the last state says positive: the state had to carry "wonderful" past "hate". Switch the panel's model to **RNN (sigmoid): tags + sentiment** and compare.
'''),
  ko=dict(title='태깅 대 감성 분류',
   desc='인코더 하나를 두 방식으로 읽습니다: 태거는 단계마다 출력을 읽고, 감성 분류기는 마지막 상태만 읽습니다. 한 문장을 두 방식으로 읽어 보세요.\n[문장을 두 방식으로 읽기](command:seqlens.course.heads)',
   md='''# 태깅 대 감성 분류

같은 순환 인코더에 출력을 읽는 방식이 둘입니다:

- **태깅**은 *모든* 단계의 출력을 읽습니다: 단어마다 품사 하나(편집기에서 각 단어 뒤에 표시됩니다);
- **감성 분류**는 *마지막* 상태만 읽습니다: 문장 전체에 레이블 하나.

**볼 것**: "the song that they hate is wonderful ."에서 앞부분의 감성은 "hate"에서 부정으로 바뀌고, 마지막 상태는 긍정이라고 말합니다. 상태가 "hate"를 지나 "wonderful"까지 가져가야 했던 것입니다. 패널의 모델을 **RNN (sigmoid): tags + sentiment**로 바꿔 비교해 보세요.
''')),
 dict(id='lstm', done=['onCommand:seqlens.stepThrough'], experiment='long-range',
  en=dict(title='LSTM gates and long-range memory',
   desc='The LSTM\'s input, forget and output gates decide what its memory cell keeps. Step to the verb and find the cell units that held the subject\'s number.\n[Step through with the LSTM](command:seqlens.course.lstm)\n[Run the experiment: RNN vs LSTM](command:seqlens.runExperiment?%22long-range%22)',
   md='''# LSTM gates and long-range memory

**c**<sub>t</sub> = **f**<sub>t</sub> ⊙ **c**<sub>t−1</sub> + **i**<sub>t</sub> ⊙ **g**<sub>t</sub>,  **h**<sub>t</sub> = **o**<sub>t</sub> ⊙ tanh(**c**<sub>t</sub>)

The forget gate **f** keeps the cell's memory, the input gate **i** writes to it, the output gate **o** shows it. A forget gate near 1 carries a value across many words, and the gradient with it.

**What to look for**: "The keys to the old cabinet **are** …": step to "are" and look at the next-word prediction; in the cell state **c**, find the units that changed at "keys" and held their value through "the old cabinet". The gate rows show when each gate opened.

The experiment trains an RNN and an LSTM on "I grew up in France … I speak fluent ___" and shows accuracy by the gap's length.
'''),
  ko=dict(title='LSTM의 게이트와 장거리 기억',
   desc='LSTM의 입력, 망각, 출력 게이트가 기억 셀에 무엇을 남길지 정합니다. 동사까지 가서 주어의 수를 기억한 셀 유닛을 찾아보세요.\n[LSTM으로 한 단계씩 보기](command:seqlens.course.lstm)\n[실험 실행: RNN 대 LSTM](command:seqlens.runExperiment?%22long-range%22)',
   md='''# LSTM의 게이트와 장거리 기억

**c**<sub>t</sub> = **f**<sub>t</sub> ⊙ **c**<sub>t−1</sub> + **i**<sub>t</sub> ⊙ **g**<sub>t</sub>,  **h**<sub>t</sub> = **o**<sub>t</sub> ⊙ tanh(**c**<sub>t</sub>)

망각 게이트 **f**는 셀의 기억을 유지하고, 입력 게이트 **i**는 기억에 쓰고, 출력 게이트 **o**는 기억을 내보입니다. 망각 게이트가 1에 가까우면 값이, 그리고 기울기도 함께 여러 단어를 건너갑니다.

**볼 것**: "The keys to the old cabinet **are** …"에서 "are"까지 가서 다음 단어 예측을 보세요. 셀 상태 **c**에서 "keys"에서 바뀌고 "the old cabinet" 동안 값을 유지한 유닛을 찾아보세요. 게이트 행은 각 게이트가 언제 열렸는지 보여 줍니다.

실험은 "I grew up in France … I speak fluent ___"로 RNN과 LSTM을 학습시키고, 간격 길이별 정확도를 보여 줍니다.
''')),
 dict(id='context', done=['onCommand:seqlens.translateSelection'], experiment='context-vector',
  en=dict(title='Seq2seq and the single context vector',
   desc='An encoder-decoder without attention squeezes the whole source into one context vector, all the decoder sees. Translate a sentence with it, beside the model with attention.\n[Translate with one context vector](command:seqlens.course.context)\n[Run the experiment: context vector vs attention](command:seqlens.runExperiment?%22context-vector%22)',
   md='''# Seq2seq and the single context vector

The encoder reads the source; its last state **c** = **h**<sub>S</sub> is the **context vector**. The decoder starts from it and writes the translation word by word, never looking at the source again.

**What to look for** in the translation panel: the same sentence through the model without attention and, beside it, the model with attention. A long sentence has to fit in the same number of units as a short one: errors gather at the end of long sentences.

The experiment trains both models on the same pairs and plots BLEU by source length.
'''),
  ko=dict(title='Seq2seq와 하나뿐인 문맥 벡터',
   desc='어텐션이 없는 인코더-디코더는 원문 전체를 문맥 벡터 하나에 눌러 담고, 디코더는 그것만 봅니다. 이 모델로 문장을 번역하고 어텐션 모델과 나란히 보세요.\n[문맥 벡터 하나로 번역하기](command:seqlens.course.context)\n[실험 실행: 문맥 벡터 대 어텐션](command:seqlens.runExperiment?%22context-vector%22)',
   md='''# Seq2seq와 하나뿐인 문맥 벡터

인코더가 원문을 읽고, 그 마지막 상태 **c** = **h**<sub>S</sub>가 **문맥 벡터**입니다. 디코더는 여기서 시작해 번역을 한 단어씩 쓰며, 원문을 다시 보지 않습니다.

번역 패널에서 **볼 것**: 같은 문장을 어텐션 없는 모델로, 그리고 그 옆에 어텐션 모델로 번역한 결과. 긴 문장도 짧은 문장과 같은 수의 유닛에 담겨야 하므로 오류는 긴 문장의 끝에 모입니다.

실험은 두 모델을 같은 문장 쌍으로 학습시키고 원문 길이별 BLEU를 그립니다.
''')),
 dict(id='attention', done=['onCommand:seqlens.translateSelection'],
  en=dict(title='Attention',
   desc='At every output step the decoder looks back at every encoder state and takes a weighted mix of them. The attention map shows the weights.\n[Translate with attention](command:seqlens.course.attention)',
   md='''# Attention

At decoder step *t*: scores e<sub>t,s</sub> = **s**<sub>t</sub> · **h**<sub>s</sub> for every source word *s*, weights α<sub>t</sub> = softmax(e<sub>t</sub>), and a context of its own, **c**<sub>t</sub> = Σ<sub>s</sub> α<sub>t,s</sub> **h**<sub>s</sub>.

**What to look for**:

- the attention map: a row per output word, a column per source word. Korean puts the verb last and the time first, so the bright cells cross the diagonal;
- step through the decoder with the slider (or the arrow keys): each step's likeliest next words and the source words it looks at, shaded in the editor too;
- click a cell for a what-if: all the attention on that word at that step.
'''),
  ko=dict(title='어텐션',
   desc='출력 단계마다 디코더는 모든 인코더 상태를 돌아보고 그 가중 평균을 씁니다. 어텐션 맵이 그 가중치를 보여 줍니다.\n[어텐션으로 번역하기](command:seqlens.course.attention)',
   md='''# 어텐션

디코더 단계 *t*에서: 원문 단어 *s*마다 점수 e<sub>t,s</sub> = **s**<sub>t</sub> · **h**<sub>s</sub>, 가중치 α<sub>t</sub> = softmax(e<sub>t</sub>), 그리고 단계마다의 문맥 **c**<sub>t</sub> = Σ<sub>s</sub> α<sub>t,s</sub> **h**<sub>s</sub>.

**볼 것**:

- 어텐션 맵: 행은 출력 단어, 열은 원문 단어입니다. 한국어는 동사를 끝에, 시간을 앞에 두므로 밝은 칸이 대각선을 가로지릅니다;
- 슬라이더(또는 화살표 키)로 디코더를 한 단계씩: 단계마다 가장 그럴듯한 다음 단어와 그 단계가 보는 원문 단어가 편집기에도 칠해집니다;
- 칸을 클릭하면 가정 실험: 그 단계의 어텐션을 모두 그 단어에 둡니다.
''')),
 dict(id='teacherForcing', done=['onCommand:seqlens.translateSelection'], experiment='teacher-forcing',
  en=dict(title='Teacher forcing',
   desc='In training the decoder is fed the reference\'s previous word, not its own guess. See the decoder fed the reference beside the decoder fed its own words.\n[Translate a sentence pair](command:seqlens.course.teacherForcing)\n[Run the experiment: teacher forcing 1.0 vs 0.5 vs decay](command:seqlens.runExperiment?%22teacher-forcing%22)',
   md='''# Teacher forcing

Training feeds the decoder the reference's word *y*<sub>t−1</sub> at step *t* (teacher forcing); at test time it is fed its own guess. The model never practised recovering from its own mistakes.

**What to look for**: this line of `pairs.tsv` is `source<TAB>reference`, and its reference starts with a word the source does not say (어제, "yesterday"). Fed the reference, the model follows it; free-running, it is one word behind, and every later reference word looks improbable.

The experiment trains with teacher forcing 1.0, 0.5 and a scheduled decay and compares their curves and BLEU.
'''),
  ko=dict(title='교사 강요 (teacher forcing)',
   desc='학습할 때 디코더에는 자기 추측이 아니라 정답의 이전 단어가 들어갑니다. 정답을 받은 디코더와 자기 단어를 받은 디코더를 나란히 보세요.\n[문장 쌍 번역하기](command:seqlens.course.teacherForcing)\n[실험 실행: 교사 강요 1.0 대 0.5 대 감쇠](command:seqlens.runExperiment?%22teacher-forcing%22)',
   md='''# 교사 강요 (teacher forcing)

학습은 단계 *t*에서 디코더에 정답의 단어 *y*<sub>t−1</sub>을 넣습니다(교사 강요). 시험할 때는 자기 추측이 들어갑니다. 모델은 자기 실수에서 회복하는 연습을 한 적이 없습니다.

**볼 것**: `pairs.tsv`의 이 줄은 `원문<TAB>정답`이고, 정답이 원문에 없는 단어(어제)로 시작합니다. 정답을 받으면 모델은 그것을 따라가고, 스스로 생성하면 한 단어씩 뒤처져 이후의 정답 단어가 모두 그럴듯하지 않아 보입니다.

실험은 교사 강요 1.0, 0.5, 점차 줄이는 일정으로 학습시키고 곡선과 BLEU를 비교합니다.
''')),
 dict(id='positions', done=['onCommand:seqlens.showTransformerAttention'],
  en=dict(title='Transformer: sin/cos positional encoding',
   desc='A Transformer has no recurrence: it reads every word at once, in parallel, and adds each position as sines and cosines of many frequencies. Explore the encoding.\n[Open the positional encoding](command:seqlens.course.positions)',
   md='''# Transformer: sin/cos positional encoding

Self-attention has no order of its own, so the Transformer adds to each word's embedding

PE(pos, 2i) = sin(pos / 10000<sup>2i/d</sup>),  PE(pos, 2i+1) = cos(pos / 10000<sup>2i/d</sup>)

Each pair of dimensions turns at its own frequency, so a fixed offset between two positions is the same rotation wherever they are.

**What to look for** in the Positions tab: the encoding as a heatmap (fast stripes in the first dimensions, slow ones in the last), and the dot product of every position with every other, largest near the diagonal.

With no recurrence, all the words of a sentence are computed together, in parallel: that is why the Transformer trains fast.
'''),
  ko=dict(title='트랜스포머: sin/cos 위치 인코딩',
   desc='트랜스포머에는 순환이 없습니다: 모든 단어를 한꺼번에 병렬로 읽고, 위치는 여러 주파수의 사인과 코사인으로 더합니다. 위치 인코딩을 살펴보세요.\n[위치 인코딩 열기](command:seqlens.course.positions)',
   md='''# 트랜스포머: sin/cos 위치 인코딩

셀프 어텐션에는 순서가 없으므로 트랜스포머는 각 단어의 임베딩에 다음을 더합니다

PE(pos, 2i) = sin(pos / 10000<sup>2i/d</sup>),  PE(pos, 2i+1) = cos(pos / 10000<sup>2i/d</sup>)

차원 쌍마다 자기 주파수로 회전하므로, 두 위치 사이의 일정한 간격은 어디에 있든 같은 회전입니다.

Positions 탭에서 **볼 것**: 히트맵으로 본 인코딩(앞쪽 차원은 빠른 줄무늬, 뒤쪽은 느린 줄무늬), 그리고 모든 위치끼리의 내적은 대각선 근처에서 가장 큽니다.

순환이 없으니 문장의 모든 단어를 함께, 병렬로 계산합니다. 트랜스포머가 빨리 학습되는 이유입니다.
''')),
 dict(id='selfAttention', done=['onCommand:seqlens.showTransformerAttention'],
  en=dict(title='Self-attention: query, key, value and heads',
   desc='Each word\'s query is compared with every word\'s key; the softmax of the scores weights the values. Several heads do it side by side. Open a head and drill into Q·Kᵀ.\n[Show the Transformer\'s attention](command:seqlens.course.selfAttention)',
   md='''# Self-attention: query, key, value and heads

Attention(Q, K, V) = softmax(Q Kᵀ / √d<sub>k</sub>) V, with Q = X W<sub>Q</sub>, K = X W<sub>K</sub>, V = X W<sub>V</sub>.

Every word asks (its query), every word answers (its key), and what is passed on is the values, weighted by the softmax of the scores. Several **heads** do this side by side, each with its own projections, and their outputs are joined.

**What to look for**:

- the model view: every layer × head, flagged focused or near-uniform;
- a head's matrix or lines: hover a word to see what it attends to, in the panel and shaded in the editor;
- the Q/K/V drill-down: the scores recomputed from the forward pass's numbers.
'''),
  ko=dict(title='셀프 어텐션: 쿼리, 키, 값과 헤드',
   desc='각 단어의 쿼리를 모든 단어의 키와 비교하고, 점수의 소프트맥스로 값들을 가중합니다. 여러 헤드가 이를 나란히 합니다. 헤드 하나를 열고 Q·Kᵀ를 자세히 보세요.\n[트랜스포머 어텐션 보기](command:seqlens.course.selfAttention)',
   md='''# 셀프 어텐션: 쿼리, 키, 값과 헤드

Attention(Q, K, V) = softmax(Q Kᵀ / √d<sub>k</sub>) V, 여기서 Q = X W<sub>Q</sub>, K = X W<sub>K</sub>, V = X W<sub>V</sub>.

모든 단어가 묻고(쿼리), 모든 단어가 답하며(키), 전달되는 것은 점수의 소프트맥스로 가중된 값입니다. 여러 **헤드**가 각자의 투영으로 이를 나란히 하고, 그 출력을 잇습니다.

**볼 것**:

- 모델 보기: 모든 층 × 헤드, 집중된 헤드와 거의 균일한 헤드 표시;
- 헤드 하나의 행렬이나 선: 단어 위에 마우스를 올리면 그 단어가 무엇을 보는지 패널과 편집기에 나타납니다;
- Q/K/V 자세히 보기: 순전파의 숫자로 다시 계산한 점수.
''')),
 dict(id='endToEnd', done=['onCommand:seqlens.runExperiment'], experiment='divide-and-train',
  en=dict(title='End to end vs divide and train',
   desc='Train word vectors first and freeze them under a tagger, or train everything end to end on the task. The experiment trains both on the project\'s own data and compares them in the Runs view.\n[Run the experiment](command:seqlens.runExperiment?%22divide-and-train%22)\n[Open the Runs view](command:seqlens.course.endToEnd)',
   md='''# End to end vs divide and train

*Divide and train*: learn word vectors on their own first (word2vec), freeze them, and train a downstream model on top. *End to end*: one loss, the task's, trains the embeddings and the model together.

**What to look for**: the experiment trains both taggers on the same data and seed (a few minutes; they queue one after the other in the Runs view) and ends in a comparison on the dashboard: the curves overlaid, the accuracy of each, and a sentence on what the difference says.
'''),
  ko=dict(title='종단 간 학습 대 나누어 학습',
   desc='단어 벡터를 먼저 학습해 고정한 뒤 태거를 올리거나, 과제 하나로 전체를 종단 간 학습합니다. 실험은 프로젝트 자체 데이터로 둘 다 학습시키고 Runs 보기에서 비교합니다.\n[실험 실행](command:seqlens.runExperiment?%22divide-and-train%22)\n[Runs 보기 열기](command:seqlens.course.endToEnd)',
   md='''# 종단 간 학습 대 나누어 학습

*나누어 학습*: 단어 벡터를 먼저 따로 학습하고(word2vec) 고정한 다음, 그 위에 하위 모델을 학습합니다. *종단 간 학습*: 과제의 손실 하나가 임베딩과 모델을 함께 학습시킵니다.

**볼 것**: 실험은 두 태거를 같은 데이터와 시드로 학습시키고(몇 분, Runs 보기에서 차례로 대기합니다) 대시보드의 비교로 끝납니다: 겹쳐 그린 곡선, 각각의 정확도, 그리고 그 차이가 말해 주는 것.
''')),
 dict(id='word2vec', done=['onCommand:seqlens.showProjector', 'onCommand:seqlens.nearestWords'],
  en=dict(title='word2vec and the embedding projector',
   desc='One-hot vectors are all equally far apart; skip-gram embeddings put words used alike near each other. Rest the pointer on a word for its nearest words, and see 20,000 words as a map.\n[Open the projector](command:seqlens.course.word2vec)',
   md='''# word2vec and the embedding projector

A one-hot vector has a single 1: every two words are equally far apart, so it carries no similarity. Skip-gram learns a dense vector per word by predicting the words around it; words used in the same contexts end up near each other.

**What to look for**:

- rest the pointer on a word in the editor: the hover shows its nearest words and its embedding;
- in the projector, the 20,000 embedded word vectors as a map (PCA, UMAP or t-SNE): "river" is selected, and its nearest words light up;
- analogies as arrows: king − man + woman.
'''),
  ko=dict(title='word2vec과 임베딩 프로젝터',
   desc='원-핫 벡터는 모두 서로 같은 거리에 있지만, 스킵그램 임베딩은 비슷하게 쓰이는 단어를 가까이 둡니다. 단어 위에 마우스를 올려 가장 가까운 단어를 보고, 단어 20,000개를 지도로 보세요.\n[프로젝터 열기](command:seqlens.course.word2vec)',
   md='''# word2vec과 임베딩 프로젝터

원-핫 벡터에는 1이 하나뿐이어서 어느 두 단어든 같은 거리에 있고, 유사성을 담지 못합니다. 스킵그램은 주변 단어를 예측하며 단어마다 밀집 벡터를 배우고, 같은 문맥에 쓰이는 단어들이 서로 가까워집니다.

**볼 것**:

- 편집기에서 단어 위에 마우스를 올리면 가장 가까운 단어들과 그 임베딩이 나타납니다;
- 프로젝터에서는 내장된 단어 벡터 20,000개를 지도로(PCA, UMAP, t-SNE): "river"가 선택되어 있고 가장 가까운 단어들이 밝아집니다;
- 화살표로 본 유추: king − man + woman.
''')),
]
