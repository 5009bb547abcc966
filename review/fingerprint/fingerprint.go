// Package fingerprint turns a message into a MinHash signature that
// survives the edits a scam script goes through between victims: other
// order and phone numbers, other amounts, punctuation, spacing, case,
// full-width letters, Traditional characters, look-alike letters, and a few
// changed words (another name, another shop). Two messages are
// near-duplicates when their signatures agree on at least MinAgree of
// their Hashes values (an estimate of the Jaccard similarity of their
// character 3-gram sets). Bands cuts a signature into BandCount keys of Rows
// values each, so that a store finds candidates by exact key lookups (LSH)
// instead of scanning every stored signature.
//
// Why MinHash and not a 64-bit SimHash: chat messages are short (20 to 60
// characters, so 20 to 60 shingles), and SimHash of so few features is
// noisy. On the corpora, two changed characters moved a 64-bit SimHash of
// 3-grams by a median of 11 bits, while honest messages came within 10
// bits of some scam message: no Hamming threshold separated them. MinHash
// estimates the overlap itself, and does separate them (MinAgree).
//
// The package is pure: no Redis, no Telegram. It reads text, never keeps it.
package fingerprint

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/redact"
	"golang.org/x/text/width"
)

// Signature sizes. 32 hash values in 16 bands of 2: messages with Jaccard
// similarity J share a band with probability 1-(1-J²)^16: 0.999 at the
// threshold (J ≈ 0.59) and 0.6% at J = 0.02 (unrelated text), so lookups
// miss almost no near-duplicates and return few candidates (12.6 per
// message against the 15,914 scam messages of the corpora).
const (
	// Hashes is the number of hash values in a signature.
	Hashes = 32
	// Rows is the number of hash values per band.
	Rows = 2
	// BandCount is the number of bands (LSH keys) per signature.
	BandCount = Hashes / Rows
)

// MinAgree is how many of the Hashes values two signatures must share to be
// the same script (an estimated Jaccard similarity of 19/32 ≈ 0.59).
// Measured on the corpora (TestThresholdOnCorpus): of 25,394 honest
// messages from service dialogues, none shares 19 values with any of
// 15,914 scam messages (the closest share 18: a shop's "客服专员…有什么可以帮助您的吗"
// greeting and a scam's); a scam message with two characters changed keeps
// 19 or more in 85% of cases, one changed character in 99%, and numbers,
// punctuation and spacing change nothing.
const MinAgree = 19

// MinRunes is the shortest folded message (letters and CJK characters,
// digits dropped) that gets a signature: shorter ones ("您好", "ok, thanks",
// "请稍等") are said by every honest agent too and identify no script.
const MinRunes = 16

// shingle is the length of the character n-grams: 3 runes are a word or
// two of Chinese and a syllable of English, so a changed word changes only
// the few n-grams that span it.
const shingle = 3

// Signature is the MinHash of one message: for each of Hashes hash
// functions, the smallest value over the message's shingles.
type Signature [Hashes]uint32

// Fold returns the runes a signature is computed from: the text with
// full-width forms narrowed (so that redaction sees "ＪＤ１２３…" as the
// order number it is), personal numbers redacted, folded by the classifier's normaliser (case,
// width, look-alikes, Traditional → Simplified, no punctuation or spaces),
// then with every digit and every redaction placeholder removed, so that
// the same script with another order number, phone or amount folds alike,
// and a redacted stored copy folds like the original.
func Fold(text string) []rune {
	folded := classifier.Normalize(placeholders.Replace(redact.Personal(width.Fold.String(text))))
	out := make([]rune, 0, len(folded.Runes))
	for _, r := range folded.Runes {
		if r >= '0' && r <= '9' {
			continue
		}
		out = append(out, r)
	}
	return out
}

// placeholders removes redact's replacements before folding, so that
// "[phone]" and the number it replaced fold to the same nothing.
var placeholders = func() *strings.Replacer {
	var pairs []string
	for _, p := range redact.Placeholders {
		pairs = append(pairs, p, " ")
	}
	return strings.NewReplacer(pairs...)
}()

// Of returns the signature of one message, and false when the message is
// too short to identify a script (fewer than MinRunes folded runes).
func Of(text string) (Signature, bool) {
	return ofRunes(Fold(text))
}

func ofRunes(runes []rune) (Signature, bool) {
	var sig Signature
	if len(runes) < MinRunes {
		return sig, false
	}
	for i := range sig {
		sig[i] = math.MaxUint32
	}
	for i := 0; i+shingle <= len(runes); i++ {
		x := hashShingle(runes[i : i+shingle])
		for j := range sig {
			// Multiply-shift hashing: one multiply per hash function,
			// pairwise independent enough for MinHash.
			if h := uint32((multipliers[j]*x + addends[j]) >> 32); h < sig[j] {
				sig[j] = h
			}
		}
	}
	return sig, true
}

// multipliers and addends define the Hashes hash functions; they are fixed
// (derived from a constant seed) because stored signatures must keep
// matching new ones across processes and releases.
var multipliers, addends = func() (m, a [Hashes]uint64) {
	state := uint64(0x5ca7_9a4d)
	next := func() uint64 {
		state += 0x9e3779b97f4a7c15
		return mix(state)
	}
	for i := range Hashes {
		m[i] = next() | 1
		a[i] = next()
	}
	return m, a
}()

// hashShingle is FNV-1a over the runes, finished with the SplitMix64 mixer.
// It is stable across processes and releases, unlike hash/maphash.
func hashShingle(runes []rune) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for _, r := range runes {
		h ^= uint64(r)
		h *= prime
	}
	return mix(h)
}

// mix is SplitMix64's finaliser: every output bit depends on every input bit.
func mix(h uint64) uint64 {
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// Fingerprint returns the signatures of the distinctive messages among
// texts: those long enough to identify a script, each once (a script that
// repeats a message counts it once), in order.
func Fingerprint(texts []string) []Signature {
	var sigs []Signature
	seen := make(map[Signature]bool, len(texts))
	for _, text := range texts {
		sig, ok := Of(text)
		if !ok || seen[sig] {
			continue
		}
		seen[sig] = true
		sigs = append(sigs, sig)
	}
	return sigs
}

// Agree counts the hash values a and b share; Agree/Hashes estimates the
// Jaccard similarity of the two messages' shingle sets.
func Agree(a, b Signature) int {
	same := 0
	for i := range a {
		if a[i] == b[i] {
			same++
		}
	}
	return same
}

// Near reports whether a and b are signatures of the same script.
func Near(a, b Signature) bool { return Agree(a, b) >= MinAgree }

// Bands returns the band keys of sig: band i is "i:" and the hex of its
// Rows hash values. Messages that share a band key are candidates; Near
// decides.
func (sig Signature) Bands() []string {
	keys := make([]string, 0, BandCount)
	for band := range BandCount {
		key := strconv.Itoa(band) + ":"
		for _, h := range sig[band*Rows : (band+1)*Rows] {
			key += fmt.Sprintf("%08x", h)
		}
		keys = append(keys, key)
	}
	return keys
}

// String encodes sig for storage: hex, 8 characters per hash value.
func (sig Signature) String() string {
	buf := make([]byte, 0, 4*Hashes)
	for _, h := range sig {
		buf = binary.BigEndian.AppendUint32(buf, h)
	}
	return hex.EncodeToString(buf)
}

// Parse decodes a signature written by String.
func Parse(s string) (Signature, error) {
	var sig Signature
	raw, err := hex.DecodeString(s)
	if err != nil || len(raw) != 4*Hashes {
		return sig, fmt.Errorf("parse signature %.16q…: want %d hex characters", s, 8*Hashes)
	}
	for i := range sig {
		sig[i] = binary.BigEndian.Uint32(raw[4*i:])
	}
	return sig, nil
}
