package classifier

import (
	_ "embed"
	"math"
	"sync"
)

// The teller model is the word model's counterpart for conversations told
// to us alone: a helper relaying what a parent is being told ("阿嬤在ATM
// 前面 對方叫她按英文那個鍵"), or someone asking whether to do what a caller
// asks, in their own words and nobody else's. Phrases find the script's
// sentences; a relay paraphrases them, and new writers of relays were where
// the engine fell furthest (yardstick65, 69, 72: 53–72% of scams warned).
// The word model cannot judge these: it was fitted on scripts and victims'
// stories alike, and a story told after the fact uses the script's words.
//
// So this model is fitted only on conversations told alone (teller.txt has
// the data and the figures, cross-validated by file: each writer held out
// in turn), and its weights may be negative: a teller's own "挂了", "还好"
// or "we called the bank on the card's number" is evidence that it is
// over or honest. No other party speaks in what it judges, so nobody but
// the teller can add those words. It also reads how the engine placed
// what was told (TellerFlags: told as past, as going on now, about a
// relative, asking whether to act, how much evidence the phrases found).
//
// It only raises a level, only while nobody else has spoken, and never in
// a conversation the engine reads as a retelling or a warning passed on;
// what it raises, the teller's later words can take back (noteTeller).
const (
	// TellerScamAt: families and guardians hear scam. Chosen on the sets
	// read, each held out by file (a fit without it), and on two new relay
	// writers scored before they were read and before the fit took them
	// in (yardstick73 and 74):
	//   - told alone in the read sets: scams warned 95.8 → 97.5%, at scam
	//     90.3 → 95.6%; false alarms 0.79 → 0.97%, at scam 0.34 → 0.52%;
	//   - 73: 62.5 / 46.6% → 88.6 / 78.4% with no false alarm added;
	//   - 74: 60.2 / 48.9% → 79.5 / 68.2%, none added.
	// At 0.9 the never-read sets lost 1.3 points at scam for one false
	// alarm fewer.
	TellerScamAt = 0.8
	// TellerSuspiciousAt opens a warning; at 0.5 the read sets' false
	// alarms told alone rose to 1.46%.
	TellerSuspiciousAt = 0.7
)

//go:embed teller.bin
var embeddedTellerBytes []byte

// tellerFlag names one way the engine placed a conversation told alone.
type tellerFlag struct {
	name string
	on   func(*State) bool
}

// tellerFlags are the engine's readings the teller model weighs beside the
// words. Their names are hashed into the model's features (metaFeature).
var tellerFlags = []tellerFlag{
	{"past", func(s *State) bool { return s.ToldPast }},
	{"narrated", func(s *State) bool { return s.Narrated }},
	{"ongoing", func(s *State) bool { return s.ToldOngoing }},
	{"relative", func(s *State) bool { return s.AboutRelative }},
	{"asked", func(s *State) bool { return s.AskedToAct }},
	{"carried", func(s *State) bool { return s.CarriedMessage }},
	{"hardasked", func(s *State) bool { return s.HardAsked }},
	{"own", func(s *State) bool { return s.OwnChannel }},
	{"ev0", func(s *State) bool { return len(s.Evidence) == 0 }},
	{"ev2", func(s *State) bool { return len(s.Evidence) >= 2 }},
	{"alone2", func(s *State) bool { return len(s.ToldAlone) >= 2 }},
}

// metaFeature is the feature hash of a flag: a NUL before the name keeps
// it apart from every word's hash of the same letters.
func metaFeature(name string) uint32 {
	h := uint32(2166136261)
	for _, b := range []byte("\x00meta:" + name) {
		h = (h ^ uint32(b)) * 16777619
	}
	return h
}

var tellerFlagFeatures = func() []uint32 {
	out := make([]uint32, len(tellerFlags))
	for i, f := range tellerFlags {
		out[i] = metaFeature(f.name)
	}
	return out
}()

// TellerFlags calls fn with the feature of each flag that is on in state:
// what ./fitmodel -teller fits beside the words.
func TellerFlags(state *State, fn func(uint32)) {
	for i, f := range tellerFlags {
		if f.on(state) {
			fn(tellerFlagFeatures[i])
		}
	}
}

// tellerProbability is the teller model's probability that what was told
// so far is a scam being played now.
func (m *WordModel) tellerProbability(state *State) float64 {
	z := m.Bias + state.TellerSum
	TellerFlags(state, func(h uint32) { z += float64(m.Weights[h]) })
	return 1 / (1 + math.Exp(-z))
}

// observeTold adds the words of one turn told alone to the teller's sum,
// or hands them to state.tellerFeatures when fitting. The words of an
// anti-fraud line or a reassurance ("钱会原路退回", "we will never ask for
// your PIN", "谨防诈骗") count neither way: scripts and honest agents say
// them alike, a teller relays the caller's as readily as the bank's, and
// the phrases themselves are weighed where they are (scope, speaker).
// Without this a relayed "对方还说：钱会原路退回" took a relay's level down.
func (c *Classifier) observeTold(state *State, folded *Folded, text string, from int, matches []match) {
	var skip []match
	for _, m := range matches {
		if c.isCounterPhrase(m) {
			skip = append(skip, m)
		}
	}
	eachWordFeature(folded, text, from, func(h uint32, at int) {
		for _, m := range skip {
			if int(m.start) <= at && at < int(m.end) {
				return
			}
		}
		if state.tellerFeatures != nil {
			state.tellerFeatures(h)
		} else {
			state.TellerSum += float64(c.teller.Weights[h])
		}
	})
}

// isCounterPhrase reports a match of an anti-fraud warning or a
// reassurance.
func (c *Classifier) isCounterPhrase(m match) bool {
	for _, ref := range c.matcher.patterns[m.pattern].payloads {
		if p := c.payloads[ref]; p.kind == payloadSignal && (c.signals[p.index].Role == RoleWarning || c.signals[p.index].Reassures) {
			return true
		}
	}
	return false
}

// noteTeller sets the level the teller model gives what was told alone so
// far, after message index. Unlike a phrase's, this level is not kept once
// the words that follow take it back: a relay that goes on "we rang the
// number on her card, it was the bank" or "she hung up" is no longer a
// scam being played, and each message is judged with all that was told.
// Once another party speaks the conversation is no longer told alone, and
// the reading goes (observeTurn).
func (c *Classifier) noteTeller(state *State, index int) {
	if c.teller == nil || state.OtherSpoke {
		return
	}
	level := LevelNone
	if f := leaningFrame(state); !state.Retold && f != FrameRetold && f != FrameWarning {
		switch p := c.teller.tellerProbability(state); {
		case p >= TellerScamAt:
			level = LevelScam
		case p >= TellerSuspiciousAt:
			level = LevelSuspicious
		}
	}
	switch {
	case level == LevelNone:
		state.TellerAlertIndex = -1
	case !state.TellerLevel.AtLeast(LevelSuspicious):
		state.TellerAlertIndex = index
	}
	state.TellerLevel = level
}

// EmbeddedTeller returns the teller model shipped with the binary, decoded
// once.
var EmbeddedTeller = sync.OnceValues(func() (*WordModel, error) { return DecodeModel(embeddedTellerBytes) })

// WithTeller returns a copy of c that consults the teller model m (nil: none).
func (c *Classifier) WithTeller(m *WordModel) *Classifier {
	out := *c
	out.teller = m
	return &out
}

// level is the conversation's level so far: the peak of its evidence, or
// what the teller model gives what was told alone, whichever is louder.
func (s *State) level() Level {
	if s.TellerLevel.rank() > s.Peak.rank() {
		return s.TellerLevel
	}
	return s.Peak
}
