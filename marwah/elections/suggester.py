"""The neutrality suggester: is a post partisan, which of the ten SKB forms, and why.

Two parts, measured together (docs/benchmarks.md):

- rules from the election data (`Lexicon`): the running election's candidates, pairs,
  parties, ballot numbers, slogans, hashtags and campaign teams are found in the text and
  replaced by placeholder features (`ENT:name`, `NUM:ballot`), so "Sikat 02!" means the
  same thing whichever election is running;
- two small logistic-regression models (partisan yes/no; the form among the ten) trained
  on the project's own labelled set (`data/labelled.jsonl`, train split) at first use.
  Training is deterministic and takes well under a second, so nothing is pickled,
  downloaded or versioned apart from the data.

Pure Python on purpose: no numpy/scikit-learn dependency for ~300 short training texts.
It only suggests; the team member decides.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"
LABELLED = DATA / "labelled.jsonl"
SHIPPED_ELECTIONS = ("pemilu-2024", "pilkada-2024")

ACTIONS = ("post", "like", "comment", "share", "follow", "photo", "attend")
ACTION_ALIASES = {
    "posting": "post", "unggah": "post", "upload": "post", "status": "post", "story": "post", "tweet": "post",
    "suka": "like", "love": "like", "react": "like", "reaction": "like", "komentar": "comment", "reply": "comment",
    "balas": "comment", "retweet": "share", "repost": "share", "forward": "share", "bagikan": "share",
    "teruskan": "share", "quote": "share", "ikuti": "follow", "join": "follow", "gabung": "follow",
    "subscribe": "follow", "foto": "photo", "selfie": "photo", "hadir": "attend", "datang": "attend",
}


def normalise_action(action: str | None) -> str:
    key = (action or "").strip().lower()
    key = ACTION_ALIASES.get(key, key)
    return key if key in ACTIONS else "post"
FORMS = tuple(range(1, 11))
THRESHOLD = 0.5

# Warnings and negation: a post telling staff to stay neutral mentions the same words as a
# partisan one; these cue features let the model tell them apart.
WARNING_PHRASES = (
    "jangan", "dilarang", "larangan", "tidak boleh", "wajib netral", "harus netral", "asn netral",
    "netralitas", "netral", "hindari", "imbau", "mengimbau", "mengingatkan", "diingatkan", "sanksi",
    "pelanggaran", "melanggar", "tolak", "menolak", "laporkan", "tidak akan", "bukan tempat",
)
NEWS_PHRASES = (
    "kpu", "bawaslu", "dkpp", "berita", "rilis", "siaran pers", "resmi", "pengumuman", "liputan",
    "survei", "mk", "rapat pleno", "menetapkan", "tetapkan", "mengumumkan", "jadwal",
)
# What each of the ten forms (seed 004, SKB 2022) looks like in a post or a team member's
# description: cue phrases compared on stems ("memasang" = "pasang"). Data, not branches;
# the model weighs them together with everything else.
FORM_CUES: dict[int, tuple[str, ...]] = {
    1: ("spanduk", "baliho", "poster", "stiker", "banner", "bendera", "umbul umbul", "billboard", "apk",
        "alat peraga", "pasang", "tempel", "dipasangi", "terpasang"),
    2: ("ayo", "yuk", "ajak", "pilih", "coblos", "menangkan", "dukung", "twibbon", "konten", "caption",
        "story", "video", "live", "viralkan", "sebar", "thread", "status", "jangan golput", "program"),
    3: ("pendekatan", "mendekati", "menemui", "bertemu", "silaturahmi", "dpc", "dpd", "dpw", "penjaringan",
        "rekomendasi", "formulir pendaftaran", "tokoh masyarakat", "tokoh agama", "menggalang",
        "safari politik", "bakal calon", "pimpinan partai", "pengurus partai", "ketua"),
    4: ("foto bersama", "foto bareng", "foto", "selfie", "swafoto", "pose", "jari", "menghadiri", "hadir",
        "datang", "deklarasi", "kampanye akbar", "kampanye terbuka", "rapat umum", "konvoi", "panggung",
        "ikut kampanye"),
    5: ("kta", "kartu tanda anggota", "kartu anggota", "kader", "pengurus", "anggota partai", "dpc", "dpd",
        "pac", "ranting", "dilantik", "pelantikan", "bergabung dengan partai", "sipol", "sk kepengurusan",
        "jas partai", "resmi bergabung"),
    6: ("like", "menyukai", "suka", "love", "komentar", "comment", "share", "membagikan", "bagikan",
        "repost", "retweet", "quote tweet", "follow", "bergabung", "grup", "admin grup", "forward",
        "meneruskan", "channel"),
    7: ("acara", "kegiatan", "jalan sehat", "sembako", "bagi bagi", "pengajian", "lomba", "senam", "bazar",
        "bakti sosial", "turnamen", "doa bersama", "nobar", "syukuran", "takjil", "mengadakan",
        "menggelar", "mengumpulkan", "panitia", "beras", "majelis taklim", "cek kesehatan", "reuni"),
    8: ("tim pemenangan", "timses", "tim sukses", "tim ahli", "konsultan", "koordinator", "ketua relawan",
        "tkn", "tkd", "tpn", "timnas", "tim kampanye", "saksi", "jubir", "bendahara", "strategi",
        "tenaga ahli", "data pemilih", "logistik kampanye"),
    9: ("ktp", "e ktp", "perseorangan", "independen", "fotokopi ktp", "salinan ktp", "kwk",
        "syarat dukungan", "verifikasi faktual", "calon anggota dpd", "surat dukungan", "formulir dukungan"),
    10: ("mutasi", "memutasi", "rotasi", "bansos", "anggaran", "izin", "kebijakan", "hibah", "fasilitas",
         "mobil dinas", "proyek", "pengadaan", "mengancam", "kontrak", "surat edaran", "menahan",
         "permohonan", "pencairan", "dana desa", "melarang", "menolak", "penyaluran", "keputusan",
         "menerbitkan", "mengarahkan program", "bantuan bencana"),
}
# An office before a name ("Presiden Prabowo meresmikan…") is usually news about an official.
TITLES = {"presiden", "wapres", "menteri", "menhan", "gubernur", "bupati", "walikota", "wali", "terpilih", "pj",
          "selaku", "kabinet"}
BALLOT_CONTEXT = {"no", "nomor", "nomer", "nmr", "urut", "paslon", "coblos", "pilih", "nomor urut", "angka"}
GESTURES = {"satu", "dua", "tiga", "empat", "1", "2", "3", "4"}
_TOKEN = re.compile(r"#?[0-9a-z]+")
_PREFIXES = ("meng", "mem", "men", "me", "di", "ber", "ter", "pe")
_SUFFIXES = ("nya", "kan", "lah", "an")


def normalise(text: str) -> list[str]:
    return _TOKEN.findall((text or "").lower().replace("-", " ").replace("–", " "))


def _stem(token: str) -> str:
    word = token
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 4:
            return word[len(prefix):]
    return word


# --- the election data -------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    tokens: tuple[str, ...]
    kind: str  # name, party, slogan, hashtag, team, symbol
    label: str  # the participant, e.g. "02 Prabowo Subianto – Gibran Rakabuming Raka"
    text: str


@dataclass(frozen=True)
class Lexicon:
    """What the suggester knows about the running election(s)."""

    election: str
    terms: tuple[Term, ...]
    numbers: dict[str, list[str]] = field(default_factory=dict)  # "2" -> participants with that number

    @classmethod
    def from_participants(cls, election: str, participants: Iterable[dict[str, Any]]) -> Lexicon:
        terms: list[Term] = []
        numbers: dict[str, list[str]] = {}
        for p in participants:
            label = f"{p.get('number') or ''} {p['name']}".strip()
            kind = "party" if p.get("kind") == "party" else "name"
            for phrase in [p["name"], *p.get("aliases", [])]:
                terms.append(Term(tuple(normalise(phrase)), kind, label, phrase))
            for key, term_kind in (("slogans", "slogan"), ("teams", "team"), ("symbols", "symbol")):
                for phrase in p.get(key, []):
                    terms.append(Term(tuple(normalise(phrase)), term_kind, label, phrase))
            for tag in p.get("hashtags", []):
                terms.append(Term(("#" + "".join(normalise(tag)).replace("#", ""),), "hashtag", label, tag))
            if p.get("number"):
                numbers.setdefault(str(int(p["number"])), []).append(label)
        for labels in numbers.values():  # a pair's "02" before a party's "2"
            labels.sort(key=lambda label: 0 if "–" in label else 1)
        # Longest phrases first, so "Prabowo-Gibran" wins over "Prabowo".
        terms = [t for t in terms if t.tokens]
        terms.sort(key=lambda t: -len(t.tokens))
        return cls(election, tuple(terms), numbers)

    @classmethod
    def merge(cls, election: str, lexicons: Sequence[Lexicon]) -> Lexicon:
        numbers: dict[str, list[str]] = {}
        for lex in lexicons:
            for num, labels in lex.numbers.items():
                numbers.setdefault(num, []).extend(labels)
        for labels in numbers.values():
            labels.sort(key=lambda label: 0 if "–" in label else 1)
        terms = sorted((t for lex in lexicons for t in lex.terms), key=lambda t: -len(t.tokens))
        return cls(election, tuple(terms), numbers)


def shipped_participants(code: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / f"{code}.json").read_text(encoding="utf-8"))
    return data


@lru_cache(maxsize=1)
def shipped_lexicon() -> Lexicon:
    """Pemilu 2024 and Pilkada 2024 as shipped: the training vocabulary and the fresh-database default."""
    parts = [shipped_participants(code) for code in SHIPPED_ELECTIONS]
    return Lexicon.merge("Pemilu 2024 / Pilkada 2024",
                         [Lexicon.from_participants(p["name"], p["participants"]) for p in parts])


# --- features ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    kind: str  # name, party, slogan, hashtag, team, symbol, number, gesture, warning, news, cue
    text: str
    label: str = ""


def _find_terms(tokens: list[str], lexicon: Lexicon) -> tuple[list[str], list[Match]]:
    by_first: dict[str, list[Term]] = {}
    for term in lexicon.terms:
        by_first.setdefault(term.tokens[0], []).append(term)
    out: list[str] = []
    matches: list[Match] = []
    i = 0
    while i < len(tokens):
        hit = next((t for t in by_first.get(tokens[i], ())
                    if tuple(tokens[i:i + len(t.tokens)]) == t.tokens), None)
        if hit is None:
            out.append(tokens[i])
            i += 1
            continue
        matches.append(Match(hit.kind, hit.text, hit.label))
        out.append(f"ENT:{hit.kind}")
        i += len(hit.tokens)
    return out, matches


def _find_numbers(tokens: list[str], lexicon: Lexicon) -> tuple[list[str], list[Match]]:
    out: list[str] = []
    matches: list[Match] = []
    for i, tok in enumerate(tokens):
        prev = tokens[i - 1] if i else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok.isdigit() and str(int(tok)) in lexicon.numbers and (
            (len(tok) == 2 and tok.startswith("0")) or prev in BALLOT_CONTEXT
        ):
            # "02" names the pair numbered "02" before a party or regional pair numbered "2".
            labels = sorted(lexicon.numbers[str(int(tok))], key=lambda label: not label.startswith(tok + " "))
            matches.append(Match("number", tok, "; ".join(labels[:3])))
            out.append("NUM:ballot")
        elif tok in GESTURES and nxt == "jari":
            matches.append(Match("gesture", f"{tok} jari"))
            out.append("GESTURE")
        else:
            out.append(tok)
    return out, matches


def _stems(text: str) -> str:
    return " " + " ".join(_stem(t) for t in normalise(text)) + " "


@lru_cache(maxsize=1)
def _form_cues() -> list[tuple[int, str, str]]:
    return [(form, phrase, _stems(phrase)) for form, phrases in FORM_CUES.items() for phrase in phrases]


def _find_form_cues(text: str) -> list[tuple[int, str]]:
    haystack = _stems(text)
    return [(form, phrase) for form, phrase, stemmed in _form_cues() if stemmed in haystack]


def _find_cues(text: str, phrases: Sequence[str], kind: str) -> list[Match]:
    padded = " " + " ".join(normalise(text)) + " "
    return [Match(kind, p) for p in phrases if f" {p} " in padded]


_DATE_OR_TIME = re.compile(r"\d+(?:[.:/]\d+)+")


def extract(text: str, action: str | None, lexicon: Lexicon) -> tuple[dict[str, float], list[Match]]:
    # "02.02", "14:02", "14/2": dates and times, not ballot numbers.
    tokens = normalise(_DATE_OR_TIME.sub(" tanggal ", text or ""))
    tokens, term_matches = _find_terms(tokens, lexicon)
    tokens, number_matches = _find_numbers(tokens, lexicon)
    warnings = _find_cues(text, WARNING_PHRASES, "warning")
    news = _find_cues(text, NEWS_PHRASES, "news")
    feats: dict[str, float] = {}
    for tok in tokens:
        feats[f"w:{tok}"] = 1.0
        if not tok.startswith(("ENT:", "NUM:")):
            feats[f"s:{_stem(tok)}"] = 1.0
        if tok.startswith("#") and not any(m.kind == "hashtag" for m in term_matches):
            feats["HASHTAG"] = 1.0
    for a, b in zip(tokens, tokens[1:], strict=False):
        feats[f"b:{a}_{b}"] = 1.0
        if a in TITLES and b.startswith("ENT:"):
            feats["TITLE&ENTITY"] = 1.0
    act = normalise_action(action)
    feats[f"act:{act}"] = 1.0
    entity = bool(term_matches or number_matches)
    if entity:
        feats["ENTITY"] = 1.0
        feats[f"ENTITY&act:{act}"] = 1.0
    if warnings:
        feats["WARN"] = 1.0
        if entity:
            feats["WARN&ENTITY"] = 1.0
    if news:
        feats["NEWS"] = 1.0
        if entity:
            feats["NEWS&ENTITY"] = 1.0
    cues = []
    for form, phrase in _find_form_cues(text):
        feats[f"CUE:{form}"] = feats.get(f"CUE:{form}", 0.0) + 1.0
        feats[f"CUE:{form}&act:{act}"] = 1.0
        cues.append(Match("cue", phrase, f"form {form}"))
    feats["BIAS"] = 1.0
    return feats, term_matches + number_matches + warnings + news + cues


# --- models ------------------------------------------------------------------------------


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _dot(w: dict[str, float], x: dict[str, float]) -> float:
    return sum(w.get(k, 0.0) * v for k, v in x.items())


@dataclass
class Binary:
    weights: dict[str, float] = field(default_factory=dict)

    def fit(self, xs: list[dict[str, float]], ys: list[int], *, epochs: int = 20, rate: float = 0.2,
            l2: float = 1e-3) -> Binary:
        order = list(range(len(xs)))
        rng = random.Random(11)
        for epoch in range(epochs):
            rng.shuffle(order)
            step = rate / (1 + epoch * 0.1)
            for i in order:
                err = ys[i] - _sigmoid(_dot(self.weights, xs[i]))
                for k, v in xs[i].items():
                    w = self.weights.get(k, 0.0)
                    self.weights[k] = w + step * (err * v - l2 * w)
        return self

    def proba(self, x: dict[str, float]) -> float:
        return _sigmoid(_dot(self.weights, x))


@dataclass
class Softmax:
    classes: tuple[int, ...]
    weights: dict[int, dict[str, float]] = field(default_factory=dict)

    def scores(self, x: dict[str, float]) -> dict[int, float]:
        raw = {c: _dot(self.weights.setdefault(c, {}), x) for c in self.classes}
        top = max(raw.values())
        exp = {c: math.exp(v - top) for c, v in raw.items()}
        total = sum(exp.values())
        return {c: v / total for c, v in exp.items()}

    def fit(self, xs: list[dict[str, float]], ys: list[int], *, epochs: int = 20, rate: float = 0.2,
            l2: float = 1e-3) -> Softmax:
        order = list(range(len(xs)))
        rng = random.Random(7)
        for epoch in range(epochs):
            rng.shuffle(order)
            step = rate / (1 + epoch * 0.1)
            for i in order:
                probs = self.scores(xs[i])
                for c in self.classes:
                    err = (1.0 if ys[i] == c else 0.0) - probs[c]
                    wc = self.weights[c]
                    for k, v in xs[i].items():
                        w = wc.get(k, 0.0)
                        wc[k] = w + step * (err * v - l2 * w)
        return self


# --- the labelled set --------------------------------------------------------------------


@dataclass(frozen=True)
class Example:
    text: str
    action: str | None
    partisan: bool
    form: int | None


def split_of(text: str) -> str:
    """A fixed split by content hash: about 30% of the items are held out for testing."""
    return "test" if hashlib.sha256(text.encode("utf-8")).digest()[0] % 10 < 3 else "train"


def load_labelled(split: str | None = None, path: Path = LABELLED) -> list[Example]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if split is None or split_of(row["text"]) == split:
            out.append(Example(row["text"], row.get("action"), bool(row["partisan"]), row.get("form")))
    return out


@dataclass
class Models:
    partisan: Binary
    form: Softmax


def train(examples: Sequence[Example], lexicon: Lexicon) -> Models:
    xs = [extract(e.text, e.action, lexicon)[0] for e in examples]
    partisan = Binary().fit(xs, [1 if e.partisan else 0 for e in examples])
    pairs = [(x, e.form) for x, e in zip(xs, examples, strict=True) if e.partisan and e.form]
    form = Softmax(FORMS).fit([x for x, _ in pairs], [int(f) for _, f in pairs if f])
    return Models(partisan, form)


@lru_cache(maxsize=1)
def trained() -> Models:
    return train(load_labelled("train"), shipped_lexicon())


# --- the answer --------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    partisan: bool
    form: int | None
    probability: float  # that the post is partisan
    form_probability: float
    matches: tuple[Match, ...]
    features: tuple[tuple[str, float], ...]  # the features that pushed the decision most

    def reasons(self) -> list[str]:
        """Short, plain reasons (Indonesian terms from the post; the feature names are stable codes)."""
        out = []
        for m in self.matches:
            out.append(f"{m.kind}: {m.text}" + (f" ({m.label})" if m.label else ""))
        seen: set[str] = set()
        for name, weight in self.features:
            if name not in seen:
                seen.add(name)
                out.append(f"feature {name} {weight:+.2f}")
        return out

    def as_json(self) -> dict[str, Any]:
        return {"partisan": self.partisan, "form": self.form, "reasons": self.reasons(),
                "probability": round(self.probability, 3)}


def _top_features(weights: dict[str, float], x: dict[str, float], sign: float, n: int = 4) -> list[tuple[str, float]]:
    contrib = [(k, weights.get(k, 0.0) * v) for k, v in x.items() if k != "BIAS"]
    contrib = [c for c in contrib if c[1] * sign > 0]
    contrib.sort(key=lambda c: -abs(c[1]))
    return contrib[:n]


def suggest(text: str, action: str | None = None, *, lexicon: Lexicon | None = None,
            models: Models | None = None) -> Suggestion:
    lexicon = lexicon or shipped_lexicon()
    models = models or trained()
    x, matches = extract(text, action, lexicon)
    p = models.partisan.proba(x)
    is_partisan = p >= THRESHOLD
    form: int | None = None
    form_p = 0.0
    feats = _top_features(models.partisan.weights, x, 1.0 if is_partisan else -1.0)
    if is_partisan:
        scores = models.form.scores(x)
        form, form_p = max(scores.items(), key=lambda kv: kv[1])
        feats += _top_features(models.form.weights[form], x, 1.0, n=2)
    return Suggestion(is_partisan, form, p, form_p, tuple(matches), tuple(feats))


@dataclass(frozen=True)
class Score:
    n: int
    precision: float
    recall: float
    f1: float
    form_accuracy: float  # over the truly partisan items: the form named is the labelled one
    tp: int
    fp: int
    fn: int


def score(examples: Sequence[Example], answers: Sequence[dict[str, Any]]) -> Score:
    tp = fp = fn = form_ok = form_n = 0
    for e, a in zip(examples, answers, strict=True):
        if a["partisan"] and e.partisan:
            tp += 1
        elif a["partisan"]:
            fp += 1
        elif e.partisan:
            fn += 1
        if e.partisan and e.form:
            form_n += 1
            form_ok += int(a.get("form") == e.form)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(len(examples), precision, recall, f1, form_ok / form_n if form_n else 0.0, tp, fp, fn)
