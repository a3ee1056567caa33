# -*- coding: utf-8 -*-
# package.json's strings in Korean, keyed by their English (scripts/l10n-manifest.py).
KO = {
    'SeqLens': 'SeqLens',
    'See inside sequence models (RNN, LSTM, GRU, seq2seq, attention, Transformer, word2vec) over the text you select.':
        '선택한 텍스트로 시퀀스 모델(RNN, LSTM, GRU, seq2seq, 어텐션, 트랜스포머, word2vec)의 속을 들여다봅니다.',
    # Commands
    'Step Through Timesteps': '타임스텝 한 단계씩 보기',
    'Restart Engine': '엔진 다시 시작',
    'Show Log': '로그 보기',
    'Open Model…': '모델 열기…',
    'Clear the Timesteps Panel': '타임스텝 패널 비우기',
    'Train Word Vectors on Workspace': '작업 영역으로 단어 벡터 학습',
    'Load Word Vectors…': '단어 벡터 불러오기…',
    'Nearest Words': '가장 가까운 단어',
    'Download Sentence Pairs…': '문장 쌍 내려받기…',
    'Export Word Vectors…': '단어 벡터 내보내기…',
    'Translate Selection': '선택 영역 번역',
    'Show Transformer Attention': '트랜스포머 어텐션 보기',
    'Compare Cells on Selection': '선택 영역에서 셀 비교',
    'Show Embedding Projector': '임베딩 프로젝터 보기',
    'Show in Embedding Projector': '임베딩 프로젝터에서 보기',
    'Train Model…': '모델 학습…',
    'Open Training Dashboard': '학습 대시보드 열기',
    'Compare Runs': '실행 비교',
    'Stop Run': '실행 중지',
    'Resume Run': '실행 재개',
    'Run Again': '다시 실행',
    'Run Variant…': '변형 실행…',
    'Run an Experiment of the Course…': '강의 실험 실행…',
    "Measure an Experiment's Comparison": '실험 비교 측정',
    'Rename Run…': '실행 이름 바꾸기…',
    'Delete Run…': '실행 삭제…',
    'Reveal Run in Explorer': '탐색기에서 실행 보기',
    'Open Run Config (config.json)': '실행 설정 열기 (config.json)',
    'Use Trained Model': '학습된 모델 사용',
    'Open the Course (Walkthrough)': '강의 열기 (둘러보기)',
    'Engine Status…': '엔진 상태…',
    # Views
    'Timesteps': '타임스텝',
    'Runs': '실행',
    'SeqLens Runs': 'SeqLens 실행',
    # Settings
    'LSTM: input, forget, output gates and a memory cell': 'LSTM: 입력, 망각, 출력 게이트와 기억 셀',
    'GRU: update and reset gates': 'GRU: 업데이트 게이트와 리셋 게이트',
    'Vanilla RNN with tanh': 'tanh를 쓰는 기본 RNN',
    'Vanilla RNN with sigmoid (watch it saturate)': 'sigmoid를 쓰는 기본 RNN (포화되는 모습을 보세요)',
    'Recurrent model the timestep view steps through.': '타임스텝 보기가 한 단계씩 보여 줄 순환 모델.',
    'Longest selection, in tokens, that the timestep view traces; longer selections are truncated and the view says so.':
        '타임스텝 보기가 추적하는 가장 긴 선택 영역(토큰 수). 더 긴 선택 영역은 잘리며, 보기에 그렇게 표시됩니다.',
    'Move the current step when the caret moves over the traced text.': '추적한 텍스트 위에서 커서가 움직이면 현재 단계도 옮깁니다.',
    'Where “SeqLens: Download Sentence Pairs…” fetches Tatoeba sentence pairs (<language>-eng.zip files, as packaged by manythings.org). Change it to use a mirror.':
        '“SeqLens: 문장 쌍 내려받기…”가 Tatoeba 문장 쌍(manythings.org가 묶은 <언어>-eng.zip 파일)을 가져오는 곳. 미러를 쓰려면 바꾸세요.',
    'Largest corpus download, in megabytes; a larger file is refused before or while it is read.':
        '내려받을 수 있는 가장 큰 말뭉치(MB). 더 큰 파일은 읽기 전이나 읽는 중에 거부됩니다.',
    "Show a word's nearest words and its embedding when the pointer rests on it (in the languages below). The first hover starts the SeqLens engine.":
        '포인터를 단어 위에 두면(아래 언어에서) 가장 가까운 단어들과 그 임베딩을 보여 줍니다. 처음 호버할 때 SeqLens 엔진이 시작됩니다.',
    'Languages whose words get the similarity hover (takes effect after a reload).': '단어 유사도 호버를 보여 줄 언어(다시 불러온 뒤 적용).',
    'How many nearest words the hover lists.': '호버에 나열할 가장 가까운 단어 수.',
    'Translation model for “SeqLens: Translate Selection”: en-ko (the embedded English → Korean GRU with dot attention), en-ko-additive (additive attention), en-ko-no-attention (the context vector alone), en-ko-transformer (the embedded Transformer), or the folder of a checkpoint made by `seqlens train --task translate`.':
        '“SeqLens: 선택 영역 번역”의 번역 모델: en-ko(내장된 영어 → 한국어 GRU, 점곱 어텐션), en-ko-additive(가산 어텐션), en-ko-no-attention(문맥 벡터만), en-ko-transformer(내장된 트랜스포머), 또는 `seqlens train --task translate`로 만든 체크포인트 폴더.',
    'Beam width for “SeqLens: Translate Selection” (1 = greedy decoding).': '“SeqLens: 선택 영역 번역”의 빔 너비(1 = 탐욕적 디코딩).',
    # Welcome content
    "No training runs in this workspace yet. Runs are kept in .seqlens/runs, made here or by `seqlens train --run-dir`.\n[Train Model…](command:seqlens.trainModel)\n[Run an Experiment of the Course](command:seqlens.runExperiment)\nFive experiments on the project's own data, a few minutes each: sigmoid vs tanh, RNN vs LSTM, one context vector vs attention, teacher forcing, end to end vs divide and train.\n[Open the Course](command:seqlens.openCourse)":
        '이 작업 영역에는 아직 학습 실행이 없습니다. 실행은 .seqlens/runs에 보관되며, 여기서 만들거나 `seqlens train --run-dir`로 만듭니다.\n[모델 학습…](command:seqlens.trainModel)\n[강의 실험 실행](command:seqlens.runExperiment)\n프로젝트 자체 데이터로 하는 다섯 가지 실험, 각각 몇 분: sigmoid 대 tanh, RNN 대 LSTM, 문맥 벡터 하나 대 어텐션, 교사 강요, 종단 간 학습 대 나누어 학습.\n[강의 열기](command:seqlens.openCourse)',
    # Walkthrough
    'Sequence models, step by step': '시퀀스 모델, 한 단계씩',
    'The course in the editor: RNN, tanh and vanishing gradients, tagging and sentiment, LSTM, seq2seq and the context vector, attention, teacher forcing, the Transformer, end-to-end training and word2vec, each step opening its view on a demo file.':
        '편집기 안의 강의: RNN, tanh와 기울기 소실, 태깅과 감성 분류, LSTM, seq2seq와 문맥 벡터, 어텐션, 교사 강요, 트랜스포머, 종단 간 학습, word2vec. 단계마다 데모 파일에서 해당 보기를 엽니다.',
}
