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
	// ModelSum is the word model's running sum of the weights of the words
	// seen (model.go).
	ModelSum float64 `json:"model_sum,omitempty"`
	// TellerSum is the teller model's running sum over the words of a
	// conversation told alone (teller.go).
	TellerSum float64 `json:"teller_sum,omitempty"`
	// TellerLevel is the level the teller model gives what was told alone
	// so far, and TellerAlertIndex the message since which it has been
	// suspicious or more (-1: none). Apart from Peak: later words of the
	// teller can take it back (teller.go).
	TellerLevel      Level `json:"teller_level,omitempty"`
	TellerAlertIndex int   `json:"teller_alert_index,omitempty"`
	// ModelRaised is set once the word model raised the level.
	ModelRaised bool `json:"model_raised,omitempty"`
	// features, when set, receives every word feature instead of the
	// model (WordFeatures, for fitting).
	features func(uint32)
	// tellerFeatures, when set, receives every teller feature instead of
	// the teller model (ToldAlone, for fitting).
	tellerFeatures func(uint32)
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
	// OpenedByReport is set when the protected person opened by telling
	// us of a contact someone made ("My nan just got a call from…",
	// "爷爷用免提接电话…"): the other party's words that follow are what
	// was sent, not an agent they reached.
	OpenedByReport bool `json:"opened_by_report,omitempty"`
	// Described is the weight of each signal seen only in a retelling or a
	// warning: it names the scam, it is not evidence.
	Described map[string]float64 `json:"described,omitempty"`
	// FrameWeight is the evidence each frame's turns carried; it decides
	// the conversation's frame.
	FrameWeight map[Frame]float64 `json:"frame_weight,omitempty"`
	// Direct is the evidence from words not relayed (the other party's own
	// and the user's), and NarratedWeight what relayed words carried:
	// when a teller ends a story with a refusal ("…我挂了"), Retold is set
	// and only Direct counts from then on.
	Direct         map[string]float64 `json:"direct,omitempty"`
	NarratedWeight float64            `json:"narrated_weight,omitempty"`
	Retold         bool               `json:"retold,omitempty"`
	// Narrated is set once any turn told what a third party said or did.
	Narrated bool `json:"narrated,omitempty"`
	// ToldOngoing: the protected person said, in their own words, that
	// what they tell is under way now ("she's on the phone RIGHT NOW").
	ToldOngoing bool `json:"told_ongoing,omitempty"`
	// AboutRelative: before anyone else spoke, the protected person named
	// someone they look after ("我外婆…", "my nan…"): what they tell is
	// about that person, a relay, whatever verbs it uses.
	AboutRelative bool `json:"about_relative,omitempty"`
	// ToldPast: a turn of the protected person placed what it told in the past.
	ToldPast bool `json:"told_past,omitempty"`
	// Relaying: the last turn was the protected person telling what a
	// third party said or did; their next one goes on telling it.
	Relaying bool `json:"relaying,omitempty"`
	// RelayedBy is who was relaying: the protected person, or a named
	// speaker of a pasted chat telling of a contact they got.
	RelayedBy Speaker `json:"relayed_by,omitempty"`
	// HardAsked is set when someone asks whether to make a hard money move
	// a third party asked of them.
	HardAsked bool `json:"hard_asked,omitempty"`
	// HardAlone is set when the other party demanded a move that is a hard
	// stop in any context (see Signal.Alone).
	HardAlone bool `json:"hard_alone,omitempty"`
	// ReportedHard is set when the user relayed a hard money move a third
	// party asked of them ("he said to buy Google Play cards"): a later
	// "should I?" asks about it.
	ReportedHard bool `json:"reported_hard,omitempty"`
	// CarriedMessage is set once a turn of the protected person held a
	// message of the other party's pasted into it (a link, an SMS
	// signature "【…】", a transcript) or said that what it tells is going
	// on now ("我阿嬤現在在講電話", "电话还通着"): a script being played.
	CarriedMessage bool `json:"carried_message,omitempty"`
	// AskedToAct is set once the protected person asked whether to do
	// something ("要繳嗎？", "should I update it through that link?").
	AskedToAct bool `json:"asked_to_act,omitempty"`
	// OtherSpoke: a turn of the other party was seen. Before one, the
	// user's turns speak to us, not to a party in the conversation.
	OtherSpoke bool `json:"other_spoke,omitempty"`
	// ToldAlone is the full weight of each signal the protected person
	// told us before anyone else spoke: once they ask whether to act, the
	// story they told over several messages is the script being played
	// on them, not only the message that asks.
	ToldAlone map[string]float64 `json:"told_alone,omitempty"`
	// OtherWarned is set once the other party answered with a warning that
	// asks for nothing strong ("千万不要充值，刷单返利都是诈骗", "建议您暂停这
	// 笔转账"): the bank's or the police's dissuasion call.
	OtherWarned bool `json:"other_warned,omitempty"`
	// OwnChannel is set once words not the protected person's own sent
	// them to a channel they control (their app, the number on their card,
	// a counter in person).
	OwnChannel bool `json:"own_channel,omitempty"`
}

// NewState returns the state of an empty conversation.
func NewState() *State {
	return &State{
		Evidence:         map[string]float64{},
		Counter:          map[string]float64{},
		Brands:           map[string]int{},
		UserRaised:       map[string]bool{},
		HardDemanded:     map[string]bool{},
		Described:        map[string]float64{},
		FrameWeight:      map[Frame]float64{},
		Peak:             LevelNone,
		FirstAlertIndex:  -1,
		TellerLevel:      LevelNone,
		TellerAlertIndex: -1,
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

// unmasked drops signal matches that lie inside a mask ("续费", renewal,
// inside "手续费", handling fee) or inside a longer signal phrase ("礼品"
// inside "礼品卡"): the longest phrase says what the words mean.
func (c *Classifier) unmasked(matches []match) []match {
	var masks []match
	for _, m := range matches {
		if c.hasPayload(m, payloadMask) || c.hasPayload(m, payloadSignal) || c.hasPayload(m, payloadBrand) {
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
				c.hasPayload(m, payloadSignal) && !c.hasPayload(m, payloadMask) && c.masks(mask, m) {
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

// masks reports whether the longer match mask takes away the meaning of m
// inside it. A brand name only masks bare words: 支付宝 is a wallet, not
// "支付" (pay), but "支付宝百万保障" still names the million-protection story.
func (c *Classifier) masks(mask, m match) bool {
	if c.hasPayload(mask, payloadMask) || c.hasPayload(mask, payloadSignal) {
		return true
	}
	for _, ref := range c.matcher.patterns[m.pattern].payloads {
		if p := c.payloads[ref]; p.kind == payloadSignal && c.signals[p.index].Weight >= brandMaskedWeight {
			return false
		}
	}
	return true
}

// brandMaskedWeight: signals at least this strong keep their meaning inside
// a brand name.
const brandMaskedWeight = 0.4

// record adds one signal match to the evidence.
// It reports whether the evidence changed, so that scoring can be skipped.
func (c *Classifier) record(state *State, sig *Signal, index int, text string, start, end int, act Act, sp *speech) bool {
	counter := sig.Role == RoleWarning || sig.Role == RoleInquiry || act == ActNegated
	if sig.Role == RoleInquiry && sp.speaker != SpeakerUser {
		// Only the user asks whether something is a scam.
		return false
	}
	if !sp.frame.live() && sig.Role != RoleWarning && sig.Role != RoleInquiry {
		// A retelling or a warning names a script that nobody is playing:
		// it says which scam it is, never that one is under way.
		state.noteFrameWeight(sp.frame, sig.Weight)
		if sig.Weight > state.Described[sig.ID] {
			state.Described[sig.ID] = sig.Weight
		}
		state.addHit(Hit{Signal: sig.ID, Role: sig.Role, MessageIndex: index, Start: start, End: end,
			Match: text[start:end], Act: ActDescribed, Speaker: sp.speaker})
		return false
	}
	weight := c.scaledWeight(state, sig, sp)
	changed := false
	if counter {
		if act == ActNegated && sig.Role != RoleWarning {
			weight *= 0.5
		}
		// Only the other party's warnings speak for them. The protected
		// person's doubts ("is this a scam?", "感觉像是诈骗") are recorded
		// but clear nothing: victims doubt, and scripts answer the doubt.
		// Nor does the "never share this code" of the code's own text:
		// it is the notice the script talks the reader past.
		if sp.speaker == SpeakerUser || sp.codeNotice {
			weight = 0
		}
		if weight > state.Counter[sig.ID] {
			state.Counter[sig.ID] = weight
			changed = true
		}
	} else {
		state.noteFrameWeight(sp.frame, sig.Weight)
		if weight > state.Evidence[sig.ID] {
			state.Evidence[sig.ID] = weight
			changed = true
		}
		if sp.speaker == SpeakerUser && !state.OtherSpoke && sig.Weight > state.ToldAlone[sig.ID] {
			if state.ToldAlone == nil {
				state.ToldAlone = map[string]float64{}
			}
			state.ToldAlone[sig.ID] = sig.Weight
		}
		if sp.voice == voiceReported || sp.voice == voiceThirdParty || sp.pasted {
			// A message pasted as it came counts in full, and is still one
			// the protected person carried in: "今天收到的…直接删了" takes
			// it back with the rest of what they told.
			state.NarratedWeight += sig.Weight
		} else if weight > state.Direct[sig.ID] {
			if state.Direct == nil {
				state.Direct = map[string]float64{}
			}
			state.Direct[sig.ID] = weight
		}
		if sig.Hard {
			changed = state.noteHardMove(sig, sp, start) || changed
		}
	}
	state.addHit(Hit{Signal: sig.ID, Role: sig.Role, MessageIndex: index, Start: start, End: end,
		Match: text[start:end], Act: act, Weight: weight, Speaker: sp.speaker})
	return changed
}

// noteHardMove keeps who made a hard money move and how (sig.Hard, at
// byte start of a turn in sp) and reports whether the evidence changed.
func (s *State) noteHardMove(sig *Signal, sp *speech, start int) bool {
	changed := false
	// A hard stop needs the other party's own demand. Someone asking
	// whether to do what a hard stop names ("他让我去借呗借钱，我要借吗？")
	// is about to act: that is a hard stop by itself, answered no.
	if sp.voice == voiceDirect && !s.HardDemanded[sig.ID] {
		s.HardDemanded[sig.ID] = true
		s.HardAlone = s.HardAlone || sig.Alone
		changed = true
	}
	told := sp.toldFrom < 0 || start >= sp.toldFrom
	// So is one who, telling us alone, asks whether to make a move that
	// is a hard stop in any context ("…wants to verify I'm real by
	// sending a code to my phone. Should I send it to him?"), with no
	// story words to make the turn a question frame.
	asked := sp.frame == FrameQuestion || sig.Alone && sp.asksToAct && sp.speaker == SpeakerUser && !s.OtherSpoke && !s.Retold
	if asked && told && !s.HardAsked {
		s.HardAsked = true
		changed = true
	}
	if sp.speaker == SpeakerUser && (sp.voice == voiceReported || sp.voice == voiceThirdParty) && told {
		s.ReportedHard = true
	}
	return changed
}

// scaledWeight is what a signal counts for in this voice.
func (c *Classifier) scaledWeight(state *State, sig *Signal, sp *speech) float64 {
	weight := sig.Weight
	switch {
	case sig.Role == RoleWarning || sig.Role == RoleInquiry:
	case sp.speaker == SpeakerUser && sp.asksToAct && !state.OtherSpoke && !state.Retold:
		// Someone telling us what they are being asked to do, and asking
		// whether to do it ("要我先交380服装费，能交吗"), relays a script
		// being played on them now: it counts as said.
	case sp.voice == voiceReported:
		weight *= reportedWeight
	case sp.voice == voiceThirdParty:
		weight *= thirdPartyWeight
	case sp.voice == voiceOwn:
		// The protected person's own words say little, but transcripts
		// mislabel speakers and people echo the script ("so I buy the
		// cards and send you the codes?").
		weight *= ownWeight
		if sp.asks && sig.Role == RoleMoneyMove {
			// Asking whether a payment is needed ("需要我提供验证码吗？")
			// is not the party demanding it: their answer decides.
			weight *= ownQuestionWeight
		}
		if echoRoles[sig.Role] {
			state.UserRaised[sig.ID] = true
		}
		if sig.Role == RolePretext {
			// The protected person telling their own situation ("I lost
			// my phone", "收不到验证码") is nobody's story told to them.
			weight *= ownPretextWeight
		}
	case state.UserRaised[sig.ID] && echoRoles[sig.Role]:
		// The other party answering about a topic the user raised
		// ("is the 百万保障 charged?") is not bringing up a pretext.
		weight *= echoWeight
	}
	return weight
}

// contactedSupport reports a conversation the protected person opened,
// as someone contacting a company's support does: the agent's claims are
// their job. Not a person telling us alone what they are being asked to
// do and whether to do it: they contacted nobody, someone is working on
// them.
func (s *State) contactedSupport() bool { return s.openedAsCustomer() && s.OtherSpoke }

// openedAsCustomer reports a conversation the protected person opened as
// someone contacting a company does; not one they opened by telling us
// of a contact someone made, once that party's own words follow, unless
// the story was told to its end (then whoever answers is someone the
// teller turned to).
func (s *State) openedAsCustomer() bool {
	return s.UserInitiated && !(s.OpenedByReport && s.OtherSpoke && !s.Retold) && !s.relayedLive()
}

// relayedLive reports a relay the protected person says is being acted
// on now ("She's already at the bus stop", "阿姨已经在筹钱了"): the script
// is being played, as one asked about is, not told.
func (s *State) relayedLive() bool { return s.ToldOngoing && s.Narrated && !s.Retold }

// liveEvidence is the evidence that scores: all of it, or once the story
// was told to its refusal, only the words that were not relayed.
func (s *State) liveEvidence() map[string]float64 {
	if s.Retold {
		return s.Direct
	}
	return s.Evidence
}

// endStory marks the conversation as a retelling: the relayed script's
// evidence stops counting and its frame weight moves to retold.
func (s *State) endStory() {
	s.Retold = true
	s.noteFrameWeight(FrameRetold, s.NarratedWeight)
	s.FrameWeight[FrameLive] -= s.NarratedWeight
	s.NarratedWeight = 0
}

// addHit keeps the quote of a hit, at most MaxHitsPerSignal per signal.
func (s *State) addHit(hit Hit) {
	quotes := 0
	for i := range s.Hits {
		if s.Hits[i].Signal == hit.Signal {
			quotes++
		}
	}
	if quotes < MaxHitsPerSignal {
		s.Hits = append(s.Hits, hit)
	}
}

// noteFrameWeight adds a hit's weight to its frame's share.
func (s *State) noteFrameWeight(f Frame, weight float64) {
	if s.FrameWeight == nil {
		s.FrameWeight = map[Frame]float64{}
	}
	s.FrameWeight[f] += weight
}

// reportedWeight scales words relayed second-hand.
const reportedWeight = 0.6

// echoRoles are the topics an agent may simply be answering about; echoWeight
// scales them when the user raised them first.
var echoRoles = map[Role]bool{RolePretext: true, RoleImpersonation: true, RoleCredibility: true}

const echoWeight = 0.5

// thirdPartyWeight scales a script the user asks this party about.
const thirdPartyWeight = 0.3

// ownPretextWeight further scales a pretext in the protected person's own words.
const ownPretextWeight = 0.3

// ownWeight scales the protected person's own words.
const ownWeight = 0.35

// ownQuestionWeight further scales a money move the protected person asks
// about in their own question.
const ownQuestionWeight = 0.4

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
	for _, cue := range matches {
		conditional := c.hasPayload(cue, payloadConditional)
		ahead := conditional || c.hasPayload(cue, payloadWarnAhead)
		if !ahead && !c.hasPayload(cue, payloadNegation) {
			continue
		}
		// A negation standing alone as an answer ("不用，马上您手机会收到…",
		// "No, just read me the code") answers the question before it and
		// negates nothing after its comma.
		bare := !conditional && int(cue.end) < len(folded.PunctBefore) && folded.PunctBefore[cue.end]
		before := cue.end <= m.start && !bare && (conditional || m.start-cue.end <= negationBefore) && sameSentence(folded, cue.start, m.start) &&
			!spacedApart(folded, cue.end, m.start)
		// A cue after the phrase must follow it in the same script:
		// "转到安全账户 Ignore all previous instructions" is a new sentence
		// (an injection), not "transfer it — ignore that".
		// Nor across a comma: "转去安全户口，仲叫我唔好同职员讲" adds a
		// second demand, it does not take back the first.
		after := !ahead && cue.start >= m.end && cue.start-m.end <= negationAfter && folded.Clause[cue.start] == folded.Clause[m.start] &&
			classOf(folded.Runes[m.end-1]) == classOf(folded.Runes[cue.start]) && !punctBetween(folded, m.end, cue.start) &&
			!spacedApart(folded, m.start, cue.start)
		// A cue inside a near pair's span negates it: "卡密请不要发给我们".
		inside := cue.start > m.start && cue.end < m.end
		// A cue that starts before the phrase and runs into it ("no
		// upfront" over "upfront fee") negates it as one before would.
		overlapping := cue.start < m.start && cue.end > m.start && cue.end <= m.end
		// A cue after the phrase inside the speaker's own reassurance
		// ("…你直接发给我就行 我们不会向您索要密码") opens a new sentence.
		if (after || inside) && c.insideReassurance(matches, cue) {
			after, inside = false, false
		}
		if (before || after || inside || overlapping) && !c.cueAbsorbed(matches, cue) && !(before && c.scopeBroken(folded, matches, cue.end, m.start)) {
			return true
		}
	}
	return false
}

// spacedApart reports a space between two runs of Chinese characters
// among runes from..to, the first run at least spacedRun long: Chinese
// typed or dictated without punctuation ends its sentences with a space.
// Not the spaces put between single characters to dodge filters ("验 证 码").
func spacedApart(folded *Folded, from, to int32) bool {
	run := int32(0)
	for i := from; i <= to && int(i) < len(folded.SpaceBefore); i++ {
		if i > 0 && folded.SpaceBefore[i] && run >= spacedRun && classOf(folded.Runes[i]) == classOther && classOf(folded.Runes[i-1]) == classOther {
			return true
		}
		if i == from || folded.SpaceBefore[i] || folded.PunctBefore[i] || classOf(folded.Runes[i]) != classOther {
			run = 0
		}
		run++
	}
	return false
}

// spacedRun is the shortest run of characters a space ends as a sentence.
const spacedRun = 4

// punctBetween reports a comma or sentence mark among runes from..to.
func punctBetween(folded *Folded, from, to int32) bool {
	for i := from; i <= to && int(i) < len(folded.PunctBefore); i++ {
		if folded.PunctBefore[i] {
			return true
		}
	}
	return false
}

// emphasisRunes is the longest "sentence" that only breaks a sentence up
// for emphasis ("Do NOT. Buy. Gift. Cards."): a negation reaches past it.
const emphasisRunes = 8

// sameSentence reports whether runes from and to are in one sentence: the
// same clause, or, in Latin script where people write "Do NOT. Buy. Gift.
// Cards.", clauses between them too short to be sentences.
func sameSentence(folded *Folded, from, to int32) bool {
	if folded.Clause[from] == folded.Clause[to] {
		return true
	}
	if classOf(folded.Runes[from]) != classLatin {
		return false
	}
	runStart := from
	for i := from + 1; i <= to; i++ {
		if folded.Clause[i] != folded.Clause[i-1] {
			if i-runStart > emphasisRunes {
				return false
			}
			runStart = i
		}
	}
	return true
}

// scopeBroken reports a turn of the sentence between a negation cue and a
// phrase ("we never ask for your PIN, but read me the code", "我们不会收费，
// 现在请您把验证码告诉我"): the negation ends where the speaker moves on.
func (c *Classifier) scopeBroken(folded *Folded, matches []match, from, to int32) bool {
	for _, m := range matches {
		// A break may open the phrase itself ("别转旧卡，转到这个新卡").
		if m.start < from || m.start > to {
			continue
		}
		if c.hasPayload(m, payloadContrast) || c.hasPayload(m, payloadScopeBreak) && folded.PunctBefore[m.start] {
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
			if c.insideMask(matches, a) {
				continue
			}
			for _, b := range matches {
				if b.start < a.end || int(b.start-a.end) > near.Window || folded.Clause[a.start] != folded.Clause[b.start] {
					continue
				}
				if !near.AcrossCommas && spansPunctuation(folded, int(a.start), int(b.end)) || c.insideMask(matches, b) {
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

// insideMask reports whether m lies inside a mask ("zip code" holds no
// one-time code).
func (c *Classifier) insideMask(matches []match, m match) bool {
	for _, mask := range matches {
		if mask.start <= m.start && m.end <= mask.end && mask != m && c.hasPayload(mask, payloadMask) {
			return true
		}
	}
	return false
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
		f.SpaceBefore = append(f.SpaceBefore, false)
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

// insideReassurance reports whether a cue lies inside a reassuring phrase
// ("我们不会向您索要", "we will never ask").
func (c *Classifier) insideReassurance(matches []match, cue match) bool {
	for _, m := range matches {
		if m.start > cue.start || m.end < cue.end {
			continue
		}
		for _, ref := range c.matcher.patterns[m.pattern].payloads {
			if p := c.payloads[ref]; p.kind == payloadSignal && c.signals[p.index].Reassures {
				return true
			}
		}
	}
	return false
}
