#!/usr/bin/env python3
"""
Writes the localised parts of package.json once: every user-facing string of `contributes`
becomes a %key% whose English is in package.nls.json and whose Korean is in package.nls.ko.json;
the walkthrough (steps from the table below) and its markdown (media/walkthrough/<step>.md and
<step>.nls.ko.md) are written from the same table. Run again after editing the table:
    python3 scripts/l10n-manifest.py
A string of package.json with no Korean in KO stops the script (nothing is left untranslated).
"""
import json, os, re, sys
sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'l10n'))
from walkthrough_steps import STEPS  # noqa: E402
from manifest_ko import KO  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pkg_path = os.path.join(ROOT, 'package.json')
pkg = json.load(open(pkg_path, encoding='utf-8'))
en_nls = {}
ko_nls = {}

# An earlier run's keys back to English, so the script can run again.
old_en = {}
if os.path.exists(os.path.join(ROOT, 'package.nls.json')):
    old_en = json.load(open(os.path.join(ROOT, 'package.nls.json'), encoding='utf-8'))
def english(v):
    m = re.fullmatch(r'%([^%]+)%', v)
    return old_en.get(m.group(1), v) if m else v

def put(key, text):
    text = english(text)
    en_nls[key] = text
    if text not in KO:
        sys.exit(f'no Korean for {key}: {text!r}')
    ko_nls[key] = KO[text]
    return f'%{key}%'

c = pkg['contributes']

# The course's commands: one per step (its completion event), hidden from the palette.
c['commands'] = [x for x in c['commands'] if not x['command'].startswith('seqlens.course.') and x['command'] not in ('seqlens.openCourse', 'seqlens.engineMenu')]
c['commands'].append({'command': 'seqlens.openCourse', 'title': 'Open the Course (Walkthrough)', 'category': 'SeqLens'})
c['commands'].append({'command': 'seqlens.engineMenu', 'title': 'Engine Status…', 'category': 'SeqLens'})
for s in STEPS:
    c['commands'].append({'command': f"seqlens.course.{s['id']}", 'title': 'Course: ' + s['en']['title'], 'category': 'SeqLens'})
    KO['Course: ' + s['en']['title']] = '강의: ' + s['ko']['title']
palette = [m for m in c['menus'].get('commandPalette', []) if not m['command'].startswith('seqlens.course.')]
palette += [{'command': f"seqlens.course.{s['id']}", 'when': 'false'} for s in STEPS]
c['menus']['commandPalette'] = palette

for x in c['commands']:
    x['title'] = put(f"command.{x['command'].removeprefix('seqlens.')}.title", x['title'])
    if 'category' in x:
        x['category'] = 'SeqLens'
for group in ('panel', 'activitybar'):
    for v in c['viewsContainers'].get(group, []):
        v['title'] = put(f"viewsContainer.{v['id']}.title", v['title'])
for container, views in c['views'].items():
    for v in views:
        v['name'] = put(f"view.{v['id'].removeprefix('seqlens.')}.name", v['name'])
        if 'contextualTitle' in v:
            v['contextualTitle'] = put(f"view.{v['id'].removeprefix('seqlens.')}.contextualTitle", v['contextualTitle'])
c['configuration']['title'] = put('configuration.title', c['configuration']['title'])
for name, prop in c['configuration']['properties'].items():
    k = name.removeprefix('seqlens.')
    if 'description' in prop:
        prop['description'] = put(f'config.{k}.description', prop['description'])
    if 'enumDescriptions' in prop:
        prop['enumDescriptions'] = [put(f'config.{k}.enumDescriptions.{i}', d) for i, d in enumerate(prop['enumDescriptions'])]
for i, w in enumerate(c.get('viewsWelcome', [])):
    w['contents'] = put(f"viewsWelcome.{w['view'].removeprefix('seqlens.')}.contents", w['contents'])

# The walkthrough.
steps = []
os.makedirs(os.path.join(ROOT, 'media', 'walkthrough'), exist_ok=True)
for s in STEPS:
    sid = s['id']
    en, ko = s['en'], s['ko']
    KO[en['title']] = ko['title']
    KO[en['desc']] = ko['desc']
    open(os.path.join(ROOT, 'media', 'walkthrough', f'{sid}.md'), 'w', encoding='utf-8').write(en['md'])
    open(os.path.join(ROOT, 'media', 'walkthrough', f'{sid}.nls.ko.md'), 'w', encoding='utf-8').write(ko['md'])
    steps.append({
        'id': sid,
        'title': put(f'walkthrough.{sid}.title', en['title']),
        'description': put(f'walkthrough.{sid}.description', en['desc']),
        'media': {'markdown': f'media/walkthrough/{sid}.md'},
        'completionEvents': [f'onCommand:seqlens.course.{sid}'] + s['done'],
    })
c['walkthroughs'] = [{
    'id': 'seqlens.course',
    'title': put('walkthrough.title', 'Sequence models, step by step'),
    'description': put('walkthrough.description', 'The course in the editor: RNN, tanh and vanishing gradients, tagging and sentiment, LSTM, seq2seq and the context vector, attention, teacher forcing, the Transformer, end-to-end training and word2vec, each step opening its view on a demo file.'),
    'steps': steps,
}]
pkg['displayName'] = put('displayName', pkg['displayName'])
pkg['description'] = put('description', pkg['description'])
pkg['l10n'] = './l10n'

json.dump(pkg, open(pkg_path, 'w', encoding='utf-8'), indent=2, ensure_ascii=False)
open(pkg_path, 'a').write('\n')
json.dump(en_nls, open(os.path.join(ROOT, 'package.nls.json'), 'w', encoding='utf-8'), indent=2, ensure_ascii=False)
json.dump(ko_nls, open(os.path.join(ROOT, 'package.nls.ko.json'), 'w', encoding='utf-8'), indent=2, ensure_ascii=False)
print(f'{len(en_nls)} strings; {len(STEPS)} walkthrough steps')
