package classifier

import (
	"context"
	"fmt"
)

// Brand is an impersonable brand as the classifier needs it: its catalog id
// and the names it goes by in chats.
type Brand struct {
	ID      string
	Aliases []string
}

// Classifier is the heuristic engine: normalise, match signals, score the
// whole conversation. It is immutable after New and safe for concurrent use.
type Classifier struct {
	signals []Signal
	byID    map[string]int // signal id → index in signals
	// nearSignals are the signals made of two words near each other.
	nearSignals []int32
	// soundMatcher matches key phrases by pinyin; its payloads are signal
	// indexes (see sound.go).
	soundMatcher *matcher
	matcher      *matcher
	payloads     []payload
	brands       []string // brand ids, indexed by payload.index
	// model is the word model consulted in the grey zone (model.go); nil: none.
	model *WordModel
	// teller judges conversations told alone (teller.go).
	teller *WordModel
}

// payload is what a pattern of the automaton stands for.
type payload struct {
	kind  payloadKind
	index int32 // into signals or brands
}

type payloadKind uint8

const (
	payloadSignal payloadKind = iota
	payloadNegation
	payloadReporting
	payloadNotNegation
	payloadDescribed
	payloadMask
	payloadNearFirst // index: signal
	payloadNearThen  // index: signal
	payloadBrand
	payloadClosure     // a retelling's refusal: "我挂了", "I hung up"
	payloadQuestion    // asking whether to act: "要不要", "should I"
	payloadNews        // a report about scams: "骗子", "victims"
	payloadSelfDemand  // asking for something to be sent to the speaker: "发给我"
	payloadScopeBreak  // the sentence moves on after a comma: "现在请", "now"
	payloadContrast    // the sentence turns: "但是", "but"
	payloadWarnAhead   // a negation that governs what follows only: "谨防"
	payloadConditional // a hypothesis to the end of the sentence: "if anyone"
	payloadPast        // a time already gone: "昨天", "last week"
	payloadOngoing     // still under way: "现在", "right now"
	payloadOwnChannel  // a channel the reader controls: "卡背面的电话", "in the app"
	payloadPassesOn    // a teller passing a message on to everyone: "提提大家", "heads up for"
	payloadDissuades   // telling the reader not to make a move: "千万不要充值", "do not pay"
	payloadRelative    // someone the teller looks after: "我外婆", "my nan"
)

// A pattern keeps its payload kinds in a uint32 bit set (matcher.go): this
// fails to compile when a new kind no longer fits, instead of silently
// dropping its bit.
var _ = [1]struct{}{}[payloadRelative>>5]

// Limits that keep hostile input bounded: a message longer than
// MaxMessageBytes is classified on its first MaxMessageBytes bytes (scams
// state their business early), and a conversation keeps at most
// MaxHitsPerSignal quotes per signal.
const (
	MaxMessageBytes  = 64 << 10
	MaxHitsPerSignal = 3
)

// New builds a classifier from a validated signal set and the brands to
// recognise.
func New(set *SignalSet, brands []Brand) (*Classifier, error) {
	if set == nil {
		return nil, fmt.Errorf("new classifier: no signal set")
	}
	c := &Classifier{signals: append(append(append(append([]Signal(nil), set.Signals...), linkSignals...), numberSignals...), senderHidden)}
	c.byID = make(map[string]int, len(c.signals))
	for i, sig := range c.signals {
		c.byID[sig.ID] = i
	}
	var keys []string
	var refs []int32
	add := func(phrase string, p payload) {
		key := foldKey(phrase)
		if len([]rune(key)) < 2 && p.kind != payloadNearFirst && p.kind != payloadNearThen {
			return
		}
		keys = append(keys, key)
		refs = append(refs, int32(len(c.payloads)))
		c.payloads = append(c.payloads, p)
	}
	for i, sig := range c.signals {
		for _, phrase := range sig.Phrases {
			add(phrase, payload{kind: payloadSignal, index: int32(i)})
		}
		if sig.Near != nil {
			c.nearSignals = append(c.nearSignals, int32(i))
			for _, w := range sig.Near.First {
				add(w, payload{kind: payloadNearFirst, index: int32(i)})
			}
			for _, w := range sig.Near.Then {
				add(w, payload{kind: payloadNearThen, index: int32(i)})
			}
		}
	}
	// A slice, not a map: payload order must not change from run to run.
	for _, cues := range []struct {
		kind  payloadKind
		words []string
	}{
		{payloadNegation, set.Cues.Negation}, {payloadWarnAhead, set.Cues.WarnAhead}, {payloadConditional, set.Cues.Conditional}, {payloadNotNegation, set.Cues.NotNegation},
		{payloadDescribed, set.Cues.Described}, {payloadMask, set.Cues.Masks},
		{payloadReporting, set.Cues.Reporting}, {payloadClosure, set.Cues.Closure},
		{payloadQuestion, set.Cues.Question}, {payloadNews, set.Cues.News},
		{payloadSelfDemand, set.Cues.SelfDemand}, {payloadScopeBreak, set.Cues.ScopeBreak},
		{payloadContrast, set.Cues.Contrast}, {payloadPast, set.Cues.Past}, {payloadOngoing, set.Cues.Ongoing},
		{payloadOwnChannel, set.Cues.OwnChannel}, {payloadPassesOn, set.Cues.PassesOn}, {payloadDissuades, set.Cues.Dissuades},
		{payloadRelative, set.Cues.Relative},
	} {
		for _, cue := range cues.words {
			add(cue, payload{kind: cues.kind})
		}
	}
	for _, b := range brands {
		index := int32(len(c.brands))
		c.brands = append(c.brands, b.ID)
		for _, alias := range b.Aliases {
			add(alias, payload{kind: payloadBrand, index: index})
		}
	}
	c.matcher = newMatcher(keys, refs)
	c.soundMatcher = c.newSoundMatcher()
	for i := range c.matcher.patterns {
		pat := &c.matcher.patterns[i]
		for _, ref := range pat.payloads {
			pat.kinds |= 1 << c.payloads[ref].kind
		}
	}
	return c, nil
}

// Classify scores a whole conversation. Messages are observed one at a time,
// exactly as the bot sees them arrive, so FirstAlertIndex comes for free.
func (c *Classifier) Classify(ctx context.Context, conv Conversation) Verdict {
	state := NewState()
	for i, msg := range conv.Messages {
		if i%256 == 0 && ctx.Err() != nil {
			break
		}
		c.Observe(state, msg)
	}
	return c.Verdict(state)
}

// signal returns the signal with the given id, or nil.
func (c *Classifier) signal(id string) *Signal {
	if i, ok := c.byID[id]; ok {
		return &c.signals[i]
	}
	return nil
}

// roleSlotOf returns the evidence slot of a signal id's role.
func (c *Classifier) roleSlotOf(id string) (int, bool) {
	i, ok := c.byID[id]
	if !ok {
		return 0, false
	}
	slot, ok := roleSlot[c.signals[i].Role]
	return slot, ok
}

// newSoundMatcher builds the pinyin matcher of the strong phrases of the
// roles worth catching by sound (see sound.go); nil when there are none.
func (c *Classifier) newSoundMatcher() *matcher {
	var soundKeys []string
	var soundSignals []int32
	for i, sig := range c.signals {
		if sig.Weight < soundMinWeight || !soundRoles[sig.Role] {
			continue
		}
		for _, phrase := range sig.Phrases {
			if key, ok := soundKey(foldKey(phrase)); ok {
				soundKeys = append(soundKeys, key)
				soundSignals = append(soundSignals, int32(i))
			}
		}
	}
	if len(soundKeys) == 0 {
		return nil
	}
	return newMatcher(soundKeys, soundSignals)
}
