package classifier

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// State is the running evidence of one conversation. Observe adds one
// message in O(message length); Verdict reads it in O(signals seen). The bot
// keeps a State per conversation so that a new message never re-reads the old
// ones. Fields are exported so the state can be stored (JSON).
type State struct {
	// Messages is the number of messages observed so far.
	Messages int `json:"messages"`
	// Evidence is the weight of each signal asserted by the other party,
	// keyed by signal id.
	Evidence map[string]float64 `json:"evidence"`
	// Counter is the weight of each counter-signal (warnings, negated
	// phrases, the user asking), keyed by signal id.
	Counter map[string]float64 `json:"counter"`
	// Hits are the quotes behind the evidence, at most MaxHitsPerSignal per signal.
	Hits []Hit `json:"hits"`
	// Brands counts mentions of each brand by the other party; BrandFirst
	// records the order brands were first named.
	Brands     map[string]int `json:"brands"`
	BrandFirst []string       `json:"brand_first"`
	// ImpersonatedBrand is a brand named in a message that also claims an identity.
	ImpersonatedBrand string `json:"impersonated_brand"`
	// HanRunes, TraditionalRunes and LatinRunes decide the language.
	HanRunes         int `json:"han"`
	TraditionalRunes int `json:"traditional"`
	LatinRunes       int `json:"latin"`
	// Peak is the loudest level reached: a verdict never drops back silently.
	Peak      Level   `json:"peak"`
	PeakScore float64 `json:"peak_score"`
	// FirstAlertIndex is the first message index at which the level was
	// suspicious or more; -1 while none.
	FirstAlertIndex int `json:"first_alert_index"`
	// HardStop is set once a hard stop fired.
	HardStop bool `json:"hard_stop"`
	// HardDemanded are the hard money moves the other party demanded in
	// their own words.
	HardDemanded map[string]bool `json:"hard_demanded"`
	// Tail is the end of the previous message (folded), with its speaker,
	// when that message did not end a sentence: scammers split keywords
	// across messages ("买两张礼品" / "卡，每张1000").
	Tail        string  `json:"tail,omitempty"`
	TailSpeaker Speaker `json:"tail_speaker,omitempty"`
	// UserRaised are the topic signals (pretext, impersonation, credibility)
	// the protected person brought up first.
	UserRaised map[string]bool `json:"user_raised"`
	// UserInitiated is set when the protected person opened the conversation
	// (contacting support), which scam scripts never do.
	UserInitiated bool `json:"user_initiated"`
}

// NewState returns the state of an empty conversation.
func NewState() *State {
	return &State{
		Evidence:        map[string]float64{},
		Counter:         map[string]float64{},
		Brands:          map[string]int{},
		UserRaised:      map[string]bool{},
		HardDemanded:    map[string]bool{},
		Peak:            LevelNone,
		FirstAlertIndex: -1,
	}
}

// scratch holds the buffers of one Observe call, reused across calls.
type scratch struct {
	folded  Folded
	matches []match
	sound   sounded
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// voice is whose words a message carries.
type voice uint8

const (
	// voiceOwn: the protected person's own words; not evidence.
	voiceOwn voice = iota
	// voiceDirect: the other party speaking for themselves.
	voiceDirect
	// voiceReported: someone relaying what a third party said ("客服让我买礼品卡",
	// "someone called saying I must pay"): evidence, weaker, never a hard stop.
	voiceReported
	// voiceThirdParty: the user asking this party about someone else's
	// script; it says little about this party.
	voiceThirdParty
)

// Observe adds the next message of the conversation to state.
func (c *Classifier) Observe(state *State, msg Message) {
	index := state.Messages
	state.Messages++
	if index == 0 {
		state.UserInitiated = msg.From == SpeakerUser
	}
	text := msg.Text
	if len(text) > MaxMessageBytes {
		text = text[:MaxMessageBytes]
	}
	scratch := scratchPool.Get().(*scratch)
	defer scratchPool.Put(scratch)
	folded := &scratch.folded
	carried := state.carryTail(folded, msg.From, len(text))
	folded.fold(text)
	state.keepTail(folded, carried, msg.From, text)
	state.HanRunes += folded.HanRunes
	state.TraditionalRunes += folded.TraditionalRunes
	state.LatinRunes += folded.LatinRunes

	scratch.matches = c.matcher.findAll(folded, scratch.matches[:0])
	// Near words are looked up among all matches: "gift card" inside the
	// longer phrase "apple gift card" still pairs with "buy", and a word in
	// the carried tail pairs with one in this message.
	nears := c.findNear(folded, scratch.matches)
	if carried > 0 {
		// What lies wholly inside the carried tail was counted last time.
		kept := scratch.matches[:0]
		for _, m := range scratch.matches {
			if int(m.end) > carried {
				kept = append(kept, m)
			}
		}
		scratch.matches = kept
		keptNears := nears[:0]
		for _, n := range nears {
			if int(n.span.end) > carried {
				keptNears = append(keptNears, n)
			}
		}
		nears = keptNears
	}
	sounds := c.findSound(&scratch.sound, folded, scratch.matches)
	matches := c.unmasked(scratch.matches)
	reporting, described, warns, asks := false, false, false, false
	// warnedClauses are the clauses that carry a warning.
	var warnedClauses []int32
	for _, m := range matches {
		for _, ref := range c.matcher.patterns[m.pattern].payloads {
			p := c.payloads[ref]
			switch {
			case p.kind == payloadReporting:
				reporting = true
			case p.kind == payloadDescribed:
				described = true
			case p.kind == payloadSignal && c.signals[p.index].Role == RoleWarning:
				warns = true
				warnedClauses = append(warnedClauses, folded.Clause[m.start])
			case p.kind == payloadSignal && c.signals[p.index].Role == RoleInquiry:
				asks = true
			}
		}
	}
	// A warning takes back the script its message describes ("对方会说涉嫌洗钱，
	// 要把钱转到安全账户。公安机关没有安全账户"), except a boilerplate tail: a
	// short last sentence that only warns ("把卡密发给我验证。谨防诈骗！")
	// takes back nothing outside itself, or every scammer would sign off
	// with one.
	tail := boilerplateTail(folded, warnedClauses)
	warnedAbout := func(start int32) bool {
		return warns && (!tail || folded.Clause[start] == warnedClauses[0])
	}
	// Nor does such a sign-off count against a demand made before it.
	signOffAfterDemand := tail && c.demandsOutside(folded, matches, warnedClauses[0])
	speaker := msg.From
	if speaker != SpeakerUser {
		speaker = SpeakerOther
	}
	v := voiceOwn
	switch {
	case speaker == SpeakerOther && !described:
		v = voiceDirect
	case speaker == SpeakerUser && (described || reporting && asks):
		// "Someone called saying I must pay a deposit (, was that you?)":
		// the user is telling this party about a third one.
		v = voiceThirdParty
	case speaker == SpeakerOther, reporting, described:
		v = voiceReported
	}

	identityClaimed, changed := false, false
	var brandsHere []string
	for _, m := range matches {
		for _, ref := range c.matcher.patterns[m.pattern].payloads {
			p := c.payloads[ref]
			switch p.kind {
			case payloadBrand:
				if v != voiceOwn {
					brandsHere = append(brandsHere, c.brands[p.index])
				}
			case payloadSignal:
				sig := &c.signals[p.index]
				if sig.Role == RoleWarning && signOffAfterDemand {
					continue
				}
				act := ActAssert
				// In a message that warns about scams, the script it
				// describes is not being played: "对方会说涉嫌洗钱，要把钱转到安全账户".
				// A warning is never negated ("我们不会加您好友，请注意防范").
				if sig.Role != RoleWarning && (warnedAbout(m.start) || c.negated(folded, matches, m)) {
					act = ActNegated
				}
				if sig.Role == RoleImpersonation && act == ActAssert && v == voiceDirect {
					identityClaimed = true
				}
				start, end := folded.Start[m.start], folded.End[m.end-1]
				changed = c.record(state, sig, index, text, int(start), int(end), act, speaker, v) || changed
			}
		}
	}
	// Links and numbers in the protected person's own words are theirs
	// ("my number is …"), not a call to action.
	for _, near := range append(nears, sounds...) {
		if int(near.span.end) <= carried {
			continue
		}
		sig := &c.signals[near.signal]
		act := ActAssert
		if sig.Role != RoleWarning && (warnedAbout(near.span.start) || c.negated(folded, matches, near.span)) {
			act = ActNegated
		}
		start, end := folded.Start[near.span.start], folded.End[near.span.end-1]
		changed = c.record(state, sig, index, text, int(start), int(end), act, speaker, v) || changed
	}
	if v != voiceOwn {
		for _, hit := range findCodeSignals(text) {
			changed = c.record(state, c.signal(hit.signal), index, text, hit.start, hit.end, ActAssert, speaker, v) || changed
		}
		if msg.HiddenSender {
			changed = c.record(state, c.signal(senderHidden.ID), index, text, 0, 0, ActAssert, speaker, v) || changed
		}
	}
	for _, b := range brandsHere {
		if state.Brands[b] == 0 {
			state.BrandFirst = append(state.BrandFirst, b)
		}
		state.Brands[b]++
		if identityClaimed && state.ImpersonatedBrand == "" {
			state.ImpersonatedBrand = b
		}
	}

	if !changed {
		// No new evidence: the level cannot have moved.
		return
	}
	level, score, hard := c.score(state)
	if hard {
		state.HardStop = true
	}
	if level.rank() > state.Peak.rank() {
		state.Peak = level
	}
	if score > state.PeakScore {
		state.PeakScore = score
	}
	if state.FirstAlertIndex < 0 && state.Peak.AtLeast(LevelSuspicious) {
		state.FirstAlertIndex = index
	}
}

// maxBoilerplateRunes is the longest sentence taken as a sign-off warning
// ("谨防诈骗！", "Beware of scams!", "温馨提示：谨防电信网络诈骗").
const maxBoilerplateRunes = 16

// boilerplateTail reports whether every warning of a message lies in its
// last sentence, that sentence is short, and something comes before it.
func boilerplateTail(folded *Folded, warnedClauses []int32) bool {
	if len(folded.Runes) == 0 || len(warnedClauses) == 0 {
		return false
	}
	last := folded.Clause[len(folded.Clause)-1]
	for _, clause := range warnedClauses {
		if clause != last {
			return false
		}
	}
	inLast := 0
	for _, clause := range folded.Clause {
		if clause == last {
			inLast++
		}
	}
	return inLast <= maxBoilerplateRunes && inLast < len(folded.Clause)
}

// demandsOutside reports a money move or pivot asserted outside clause.
func (c *Classifier) demandsOutside(folded *Folded, matches []match, clause int32) bool {
	for _, m := range matches {
		if folded.Clause[m.start] == clause {
			continue
		}
		for _, ref := range c.matcher.patterns[m.pattern].payloads {
			p := c.payloads[ref]
			if p.kind != payloadSignal {
				continue
			}
			role := c.signals[p.index].Role
			if (role == RoleMoneyMove || role == RolePivot) && !c.negated(folded, matches, m) {
				return true
			}
		}
	}
	return false
}

// unmasked drops signal matches that lie inside a mask ("续费", renewal,
// inside "手续费", handling fee) or inside a longer signal phrase ("礼品"
// inside "礼品卡"): the longest phrase says what the words mean.
func (c *Classifier) unmasked(matches []match) []match {
	var masks []match
	for _, m := range matches {
		if c.hasPayload(m, payloadMask) || c.hasPayload(m, payloadSignal) {
			masks = append(masks, m)
		}
	}
	if len(masks) < 2 {
		return matches
	}
	kept := matches[:0]
	for _, m := range matches {
		inside := false
		for _, mask := range masks {
			if mask.start <= m.start && m.end <= mask.end && mask.end-mask.start > m.end-m.start &&
				c.hasPayload(m, payloadSignal) && !c.hasPayload(m, payloadMask) {
				inside = true
				break
			}
		}
		if !inside {
			kept = append(kept, m)
		}
	}
	return kept
}

// record adds one signal match to the evidence.
// It reports whether the evidence changed, so that scoring can be skipped.
func (c *Classifier) record(state *State, sig *Signal, index int, text string, start, end int, act Act, speaker Speaker, v voice) bool {
	counter := sig.Role == RoleWarning || sig.Role == RoleInquiry || act == ActNegated
	switch {
	case sig.Role == RoleInquiry:
		// Only the user asks whether something is a scam.
		if speaker != SpeakerUser {
			return false
		}
	case counter:
		// A warning counts whoever says it.
	}
	weight := sig.Weight
	switch {
	case counter:
	case v == voiceReported:
		weight *= reportedWeight
	case v == voiceThirdParty:
		weight *= thirdPartyWeight
	case v == voiceOwn:
		// The protected person's own words say little, but transcripts
		// mislabel speakers and people echo the script ("so I buy the
		// cards and send you the codes?").
		weight *= ownWeight
		if echoRoles[sig.Role] {
			state.UserRaised[sig.ID] = true
		}
	case state.UserRaised[sig.ID] && echoRoles[sig.Role]:
		// The other party answering about a topic the user raised
		// ("is the 百万保障 charged?") is not bringing up a pretext.
		weight *= echoWeight
	}
	changed := false
	if counter {
		if act == ActNegated && sig.Role != RoleWarning {
			weight *= 0.5
		}
		// Only the other party's warnings speak for them. The protected
		// person's doubts ("is this a scam?", "感觉像是诈骗") are recorded
		// but clear nothing: victims doubt, and scripts answer the doubt.
		if speaker == SpeakerUser {
			weight = 0
		}
		if weight > state.Counter[sig.ID] {
			state.Counter[sig.ID] = weight
			changed = true
		}
	} else {
		if weight > state.Evidence[sig.ID] {
			state.Evidence[sig.ID] = weight
			changed = true
		}
		if sig.Hard && v == voiceDirect && !state.HardDemanded[sig.ID] {
			state.HardDemanded[sig.ID] = true
			changed = true
		}
	}
	quotes := 0
	for i := range state.Hits {
		if state.Hits[i].Signal == sig.ID {
			quotes++
		}
	}
	if quotes >= MaxHitsPerSignal {
		return changed
	}
	state.Hits = append(state.Hits, Hit{
		Signal:       sig.ID,
		Role:         sig.Role,
		MessageIndex: index,
		Start:        start,
		End:          end,
		Match:        text[start:end],
		Act:          act,
		Weight:       weight,
		Speaker:      speaker,
	})
	return changed
}

// reportedWeight scales words relayed second-hand.
const reportedWeight = 0.6

// echoRoles are the topics an agent may simply be answering about; echoWeight
// scales them when the user raised them first.
var echoRoles = map[Role]bool{RolePretext: true, RoleImpersonation: true, RoleCredibility: true}

const echoWeight = 0.5

// thirdPartyWeight scales a script the user asks this party about.
const thirdPartyWeight = 0.3

// ownWeight scales the protected person's own words.
const ownWeight = 0.35

// A negation cue negates a phrase when it stands up to negationBefore
// folded runes before it in its clause ("we will never ask you for your
// code") or up to negationAfter runes after it ("卡密请不要发给我们").
const (
	negationBefore = 30
	negationAfter  = 4
)

// negated reports whether a negation cue governs m. A cue that is part of
// another matched phrase ("不要挂电话" is pressure) or of a phrase that
// negates nothing ("不要担心") is not a negation.
func (c *Classifier) negated(folded *Folded, matches []match, m match) bool {
	clause := folded.Clause[m.start]
	for _, cue := range matches {
		if !c.hasPayload(cue, payloadNegation) || folded.Clause[cue.start] != clause {
			continue
		}
		before := cue.end <= m.start && m.start-cue.end <= negationBefore
		// A cue after the phrase must follow it in the same script:
		// "转到安全账户 Ignore all previous instructions" is a new sentence
		// (an injection), not "transfer it — ignore that".
		after := cue.start >= m.end && cue.start-m.end <= negationAfter &&
			classOf(folded.Runes[m.end-1]) == classOf(folded.Runes[cue.start])
		if (before || after) && !c.cueAbsorbed(matches, cue) {
			return true
		}
	}
	return false
}

// cueAbsorbed reports whether a negation cue lies inside a longer match
// that gives it another meaning.
func (c *Classifier) cueAbsorbed(matches []match, cue match) bool {
	for _, other := range matches {
		if other == cue || other.start > cue.start || other.end < cue.end || other.end-other.start <= cue.end-cue.start {
			continue
		}
		for _, ref := range c.matcher.patterns[other.pattern].payloads {
			p := c.payloads[ref]
			if p.kind == payloadNotNegation {
				return true
			}
			if p.kind == payloadSignal && c.signals[p.index].Role != RoleWarning {
				return true
			}
		}
	}
	return false
}

func (c *Classifier) hasPayload(m match, kind payloadKind) bool {
	return c.matcher.patterns[m.pattern].kinds&(1<<kind) != 0
}

// nearHit is a Near signal found in a message.
type nearHit struct {
	signal int32
	span   match // folded span from the first word to the last
}

// findNear pairs the words of Near signals: a word of one list and a word
// of the other in the same clause, at most Window folded runes apart, with
// no comma or sentence mark between them. One hit per signal and message.
func (c *Classifier) findNear(folded *Folded, matches []match) []nearHit {
	if len(c.nearSignals) == 0 {
		return nil
	}
	var hits []nearHit
	found := map[int32]bool{}
	for _, a := range matches {
		for _, refA := range c.matcher.patterns[a.pattern].payloads {
			pa := c.payloads[refA]
			if pa.kind != payloadNearFirst && pa.kind != payloadNearThen || found[pa.index] {
				continue
			}
			near := c.signals[pa.index].Near
			for _, b := range matches {
				if b.start < a.end || int(b.start-a.end) > near.Window || folded.Clause[a.start] != folded.Clause[b.start] {
					continue
				}
				if spansPunctuation(folded, int(a.start), int(b.end)) {
					continue
				}
				ordered := pa.kind == payloadNearFirst
				if !ordered && !near.AnyOrder {
					continue
				}
				want := payloadNearThen
				if !ordered {
					want = payloadNearFirst
				}
				if c.patternHas(b, want, pa.index) {
					found[pa.index] = true
					hits = append(hits, nearHit{signal: pa.index, span: match{pattern: a.pattern, start: a.start, end: b.end}})
					break
				}
			}
		}
	}
	return hits
}

// patternHas reports whether a match carries the given payload for a signal.
func (c *Classifier) patternHas(m match, kind payloadKind, signal int32) bool {
	for _, ref := range c.matcher.patterns[m.pattern].payloads {
		if p := c.payloads[ref]; p.kind == kind && p.index == signal {
			return true
		}
	}
	return false
}

// tailRunes is how much of a message is carried over to join the next one.
const tailRunes = 6

// carryTail resets f and starts it with the previous message's tail when the
// same speaker goes on without ending the sentence; it returns how many runes
// were carried. Carried runes point at byte 0 of the new message, so a
// keyword split across messages is quoted from where the new message starts.
func (s *State) carryTail(f *Folded, from Speaker, n int) int {
	f.reset(n + tailRunes)
	if s.Tail == "" || s.TailSpeaker != from {
		return 0
	}
	carried := 0
	for _, r := range s.Tail {
		f.Runes = append(f.Runes, r)
		f.Start = append(f.Start, 0)
		f.End = append(f.End, 0)
		f.WordStart = append(f.WordStart, carried == 0)
		f.PunctBefore = append(f.PunctBefore, false)
		f.Clause = append(f.Clause, 0)
		carried++
	}
	return carried
}

// keepTail remembers the end of this message for the next one, unless it
// ends a sentence.
func (s *State) keepTail(f *Folded, carried int, from Speaker, text string) {
	s.Tail, s.TailSpeaker = "", ""
	own := f.Runes[carried:]
	trimmed := strings.TrimRightFunc(text, unicode.IsSpace)
	if len(own) == 0 || trimmed == "" {
		return
	}
	last, _ := utf8.DecodeLastRuneInString(trimmed)
	if isKeywordBreak(last) || isKeywordBreak(foldPunct(last)) {
		return
	}
	if len(own) > tailRunes {
		own = own[len(own)-tailRunes:]
	}
	s.Tail, s.TailSpeaker = string(own), from
}

// foldPunct maps full-width sentence marks to ASCII, as the normaliser does.
func foldPunct(r rune) rune {
	if r >= 0xFF01 && r <= 0xFF5E {
		return r - 0xFF01 + '!'
	}
	return r
}
