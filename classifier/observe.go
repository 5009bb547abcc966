package classifier

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Observe adds the next message of the conversation to state, in named
// steps: split a pasted transcript into turns, then for each turn fold the
// text, find the phrases, decide the speech acts (who speaks, in which
// frame, what each warning and negation governs), record the hits and the
// brands; rescore once at the end if the evidence moved.
func (c *Classifier) Observe(state *State, msg Message) {
	index := state.Messages
	state.Messages++
	text := msg.Text
	if len(text) > MaxMessageBytes {
		text = text[:MaxMessageBytes]
	}
	turns := c.splitPaste(text, msg.From)
	opener := -1
	if index == 0 {
		// Who opened is the first turn of the conversation, not the
		// header of the person pasting it.
		opener = 0
		if turns[0].Header && len(turns) > 1 {
			opener = 1
		}
		state.UserInitiated = turns[opener].From == SpeakerUser
	}
	// A transcript the protected person pastes with their own word that it
	// is over ("…我当时就觉得不对挂了", "They vanished. Posting so others
	// know.") is a retelling, and one they pass on as a warning ("【社区反诈
	// 提醒】近期多名居民收到类似短信：“…”…请直接删除") is the warning's
	// example: its script names the scam, nobody plays it.
	framed := FrameLive
	if msg.From == SpeakerUser && len(turns) > 1 {
		framed = c.pasteFrame(text, turns)
	}
	changed := false
	for i, t := range turns {
		changed = c.observeTurn(state, index, text, t, msg.HiddenSender, framed, i == opener) || changed
	}
	if changed || state.Peak != LevelScam && (c.model != nil && (len(state.liveEvidence()) > 0 || (state.AskedToAct || state.relayedLive()) && !state.OtherSpoke) || c.teller != nil && !state.OtherSpoke) {
		// The word model moves with every message, phrases or not; it
		// can only raise a level that live signals already opened, or
		// judge what someone tells us alone and asks about, or relays as
		// it is acted on (modelLevel); the teller model judges whatever
		// is told alone (noteTeller).
		c.rescore(state, index)
	}
}

// observeTurn adds one turn (a whole message, or one speaker's turn of a
// pasted transcript) to state and reports whether the evidence changed.
func (c *Classifier) observeTurn(state *State, index int, text string, t Turn, hidden bool, framed Frame, opening bool) bool {
	scratch := scratchPool.Get().(*scratch)
	defer scratchPool.Put(scratch)
	own := text[t.Start:t.End]
	folded := &scratch.folded
	carried := state.carryTail(folded, t.From, len(own))
	folded.fold(own)
	folded.shift(t.Start)
	state.keepTail(folded, carried, t.From, own)
	switch {
	case state.features != nil:
		EachWordFeature(folded, text, carried, state.features)
	case c.model != nil:
		c.model.observeWords(state, folded, text, carried)
	}
	state.HanRunes += folded.HanRunes
	state.TraditionalRunes += folded.TraditionalRunes
	state.LatinRunes += folded.LatinRunes

	matches, nears := c.findPhrases(scratch, folded, carried)
	links := findLinks(own)
	sp := c.speechActs(text, folded, matches, t.From, state.OtherSpoke, endsAsQuestion(own), anyDisguised(links))
	state.placeTurn(sp, t, framed, opening)
	if (c.teller != nil || state.tellerFeatures != nil) && t.From == SpeakerUser && !state.OtherSpoke {
		c.observeTold(state, folded, text, carried, matches)
	}
	if sp.frame != FrameLive {
		// The frame shows even where no phrase matched ("got one of those
		// texts… deleted it"): a small share of its own.
		state.noteFrameWeight(sp.frame, frameCueWeight)
	}
	if sp.narrated {
		state.Narrated = true
	}
	changed := state.settleStory(sp, own)
	changed = c.recordPhrases(state, index, text, folded, matches, nears, sp) || changed
	if sp.speaker == SpeakerUser {
		changed = noteUserTurn(state, t, own, sp) || changed
	}
	changed = c.recordCodeSignals(state, index, text, t, links, sp, hidden) || changed
	c.recordBrands(state, matches, sp)
	if sp.ownChannel && sp.voice != voiceOwn && !state.OwnChannel {
		state.OwnChannel = true
		changed = true
	}
	if t.From == SpeakerOther {
		// The conversation is no longer told alone: the teller model's
		// reading of it goes (teller.go), and the engine judges what the
		// other party says.
		state.OtherSpoke = true
		state.TellerLevel, state.TellerAlertIndex = LevelNone, -1
	}
	if t.From == SpeakerUser && sp.past {
		state.ToldPast = true
	}
	if t.From == SpeakerUser && sp.aboutRelative && !state.OtherSpoke {
		state.AboutRelative = true
	}
	// A relay goes on in the teller's next turn: the protected person's,
	// or a named speaker of a pasted family chat telling of a contact
	// they got ("[14:02] Mum: Just had a call, a recording said…").
	teller := t.From == SpeakerUser && sp.narrated || t.From == SpeakerOther && (t.Labelled || t.Quoted) && sp.reportsContact
	state.Relaying = teller && !sp.closure && !sp.asksToAct && !state.Retold
	if state.Relaying {
		state.RelayedBy = t.From
	}
	return changed
}

// placeTurn sets how a turn's words count from where it stands: inside a
// paste its paster framed (framed), pasted as it came, going on with a
// relay, or opening the conversation by telling of a contact.
func (s *State) placeTurn(sp *speech, t Turn, framed Frame, opening bool) {
	if framed != FrameLive && t.From == SpeakerOther {
		sp.frame = framed
	}
	if t.Quoted && sp.voice == voiceDirect {
		// A message pasted as it came is the other party's own words,
		// first-hand: it counts in full. It is still a message carried in
		// by the protected person (a retelling's refusal takes it back).
		sp.narrated, sp.pasted = true, true
	}
	ownWords := t.From == SpeakerUser && sp.voice == voiceOwn || t.From == SpeakerOther && (t.Labelled || t.Quoted) && sp.voice == voiceDirect
	if ownWords && t.From == s.RelayedBy && sp.frame == FrameLive && !sp.asksToAct && s.Relaying && !s.Retold {
		// A relay goes on: "my dad had a call from 'DC Harris'" then
		// "said staff at his branch are under investigation", "a 'police
		// courier' will come to collect the cash". The next message of a
		// helper telling what someone is being told needs no "he said".
		sp.voice, sp.narrated, sp.toldFrom = voiceReported, true, 0
	}
	if opening && sp.speaker == SpeakerUser && sp.reportsContact && sp.frame.live() {
		s.OpenedByReport = true
	}
}

// settleStory ends a story told so far when the turn settles it and
// reports whether the evidence changed. "…要我去借呗借钱买卡。" then "我挂了":
// the story was a retelling. So it was when the party told about the
// script answers that it is one ("那就是诈骗，请不要…"): the story is
// settled, not played. Not a turn that asks something strong outside its
// warnings ("请您点击这个链接进入我们的官网…谨防诈骗！"): the script signing
// off. Nor a one-time code's own text ("验证码：572019。任何人索要验证码均为
// 诈骗"): the service's notice forwarded, the code the script is after;
// its warning answers nobody's question (codeNotice).
func (s *State) settleStory(sp *speech, own string) bool {
	sp.codeNotice = sp.speaker == SpeakerOther && givesCode(own)
	answered := sp.speaker == SpeakerOther && sp.frame == FrameWarning && !sp.cues.strongAsserted && !sp.codeNotice
	if answered {
		// Dissuasion tells the reader not to make the move ("千万不要充
		// 值") and presses nothing.
		s.OtherWarned = s.OtherWarned || sp.cues.dissuades && !sp.cues.urges
		// The party a report reached answers it with a warning and asks
		// for nothing: the real support the protected person contacted,
		// not what was sent.
		s.OpenedByReport = false
	}
	if answered && s.Narrated && s.HardAsked && len(s.HardDemanded) == 0 {
		// "有人让我先交888提额费，是你们吗？" answered "不是的，这是诈骗":
		// the hard stop was only the question, and it has its answer.
		s.HardAsked, s.HardStop = false, false
	}
	// Not a teller who, still in it, asks whether to go on (a question).
	if (sp.closure && sp.frame != FrameQuestion || answered) && s.Narrated && !s.Retold {
		s.endStory()
		return true
	}
	return false
}

// findPhrases returns the phrase matches of a folded turn (masked ones
// dropped) and its near and sound hits, without what lies wholly inside a
// carried tail (counted with the previous message).
func (c *Classifier) findPhrases(scratch *scratch, folded *Folded, carried int) ([]match, []nearHit) {
	scratch.matches = c.matcher.findAll(folded, scratch.matches[:0])
	// Near words are looked up among all matches: "gift card" inside the
	// longer phrase "apple gift card" still pairs with "buy", and a word in
	// the carried tail pairs with one in this message.
	nears := c.findNear(folded, scratch.matches)
	for _, snd := range c.findSound(&scratch.sound, folded, scratch.matches) {
		// A sound that starts inside a brand name is the brand's: "支付宝
		// 验证码" does not sound like "报验证码" (read out the code).
		// Nor does one a mask holds: "开发商监管账户" (a developer's escrow)
		// sounds like the supervised account it is not.
		if !c.startsInsideBrand(scratch.matches, snd.span.start) && !c.insideMask(scratch.matches, snd.span) {
			nears = append(nears, snd)
		}
	}
	if carried > 0 {
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
	return c.unmasked(scratch.matches), nears
}

// frameCueWeight is what a turn's frame counts for by its cues alone.
const frameCueWeight = 0.05

// startsInsideBrand reports whether folded rune i lies after the first
// rune of a brand name matched around it.
func (c *Classifier) startsInsideBrand(matches []match, i int32) bool {
	for _, m := range matches {
		if m.start < i && i < m.end && c.hasPayload(m, payloadBrand) {
			return true
		}
	}
	return false
}

// speech is how a turn's words count: whose voice they are, the frame
// they are said in, and which clauses carry a warning.
type speech struct {
	speaker Speaker
	voice   voice
	frame   Frame
	// warnedSegments are the stretches between commas or sentence marks
	// that hold a warning phrase: a warning takes back what its own
	// stretch says, nothing else ("…刷流水，钱马上原路退回" keeps the
	// demand). Negation cues reach further (see negated).
	warnedSegments []warnedStretch
	// closure: the turn ends a story with a refusal ("我挂了").
	closure bool
	// narrated: the turn tells what a third party said or did;
	// reportsContact: it says a call or a message came ("我外公刚刚接了个
	// 电话", "My nan just got a call from…").
	narrated, reportsContact bool
	// aboutRelative: the turn names someone the teller looks after.
	aboutRelative bool
	// pasted: the turn is a message pasted as it came (an SMS with its
	// signature, a quoted text): the other party's own words, carried in.
	pasted bool
	// past: the turn places what it tells in a time already gone.
	past bool
	// asksToAct: the turn asks whether to do something ("要不要借",
	// "should I send it"), not only whether it is a scam.
	asksToAct bool
	// asks: the turn ends as a question ("需要我先付保证金吗？", "Do I need
	// to give you my card number?").
	asks bool
	// identityClaimed is set once the turn claims an identity in the
	// speaker's own voice ("我是淘宝客服").
	identityClaimed bool
	// ongoing: the turn says what it tells is under way now ("现在",
	// "电话还通着", "right now").
	ongoing bool
	// ownChannel: the turn sends the reader to a channel they control.
	ownChannel bool
	// cues are the frame cues the turn was read with.
	cues frameCues
	// codeNotice: the turn is a one-time code's own text, forwarded.
	codeNotice bool
	// toldFrom is the byte where the turn starts telling what someone
	// said ("他说…", "they want me to…"), -1 when it does not: what comes
	// before it is the teller's own story ("我给侄子买了张礼品卡，他说…").
	toldFrom int
}

// warned reports whether the stretch of folded rune i carries a warning.
func (sp *speech) warned(folded *Folded, i int32) bool {
	// segmentOf walks the text: skip it in the usual turn with no warning.
	if len(sp.warnedSegments) == 0 {
		return false
	}
	segment := segmentOf(folded, i)
	for _, w := range sp.warnedSegments {
		if w.segment != segment {
			continue
		}
		if w.looksBack && w.start-warningReach <= i && i < w.end || !w.looksBack && w.start <= i && i < w.end+warningReach {
			return true
		}
	}
	return false
}

// warnedStretch is a warning phrase's span and the stretch it stands in.
type warnedStretch struct {
	segment, start, end int32
	// looksBack: the warning judges what comes before it (Signal.LooksBack).
	looksBack bool
}

// warningReach is how many folded runes around a warning phrase it takes
// back inside its stretch: an SMS with no punctuation is one stretch, and
// "…call 0800… to claim We will never ask for your PIN" keeps its lure.
const warningReach = 12

// segmentOf numbers the stretch of rune i: the commas and sentence marks
// before it.
func segmentOf(folded *Folded, i int32) int32 {
	n := int32(0)
	for k := int32(1); k <= i; k++ {
		if folded.PunctBefore[k] || folded.Clause[k] != folded.Clause[k-1] {
			n++
		}
	}
	return n
}

// unnamedApp reports an own-channel cue that names an app without saying
// whose ("在app里操作"): the brand's own app is named ("在京东APP里",
// "順豐App入面", "官方App"); an app nobody names is as likely the one the
// script had the reader install.
func (c *Classifier) unnamedApp(folded *Folded, matches []match, cue match) bool {
	if !strings.Contains(string(folded.Runes[cue.start:cue.end]), "app") {
		return false
	}
	if cue.start >= 2 && string(folded.Runes[cue.start-2:cue.start]) == "官方" {
		return false
	}
	for _, m := range matches {
		if c.hasPayload(m, payloadBrand) && m.end <= cue.start && cue.start-m.end <= 1 {
			return false
		}
	}
	return true
}

// pasteFrame is the frame the paster gives a pasted transcript or message
// in the lines that frame it (the header before it, their last turn),
// without asking whether to go on now: retold when they close the story
// ("我当时就觉得不对挂了", "they vanished"), a warning when those lines
// are one ("…ETC不会通过短信链接进行认证！收到此类短信请直接删除"), live
// otherwise. Their replies inside the transcript ("i didnt send anything")
// are the conversation, not its frame.
func (c *Classifier) pasteFrame(text string, turns []Turn) Frame {
	scratch := scratchPool.Get().(*scratch)
	defer scratchPool.Put(scratch)
	closed, warned := false, false
	for i, t := range turns {
		if t.From != SpeakerUser || !t.Header && i != len(turns)-1 {
			continue
		}
		folded := &scratch.folded
		folded.reset(t.End - t.Start)
		folded.fold(text[t.Start:t.End])
		folded.shift(t.Start)
		matches, _ := c.findPhrases(scratch, folded, 0)
		sp := c.speechActs(text, folded, matches, SpeakerUser, false, endsAsQuestion(text[t.Start:t.End]), false)
		if sp.asksToAct || sp.ongoing {
			return FrameLive
		}
		// A teller addressing everyone ("提提大家", "heads up for anyone
		// with older relatives") passes the message on; one whose own
		// lines tell it as over ("琴日我阿姐收到…") retells it.
		if sp.asks || sp.cues.question {
			// "…记录发你，我是不是被骗了": asking about it, not passing it on.
			continue
		}
		warned = warned || sp.frame == FrameWarning || sp.cues.passesOn
		// A closure decides below, by where it stands.
		closed = closed || sp.frame == FrameRetold && !sp.cues.closure
		// The story is closed where a refusal or a loss comes after
		// whatever the turn relays ("我没充过值 他让我开屏幕共享" is still
		// being asked), and not inside a question ("我是不是被骗了").
		closedAt, toldAt := int32(-1), int32(-1)
		for _, m := range matches {
			for _, ref := range c.matcher.patterns[m.pattern].payloads {
				switch p := c.payloads[ref]; {
				case p.kind == payloadClosure && !c.insideAsking(matches, m) && !askedWhether(folded, m.start):
					closedAt = max(closedAt, m.start)
				case p.kind == payloadReporting:
					toldAt = max(toldAt, m.start)
				case p.kind == payloadQuestion, p.kind == payloadOngoing:
					return FrameLive
				}
			}
		}
		closed = closed || closedAt > toldAt
	}
	switch {
	case closed:
		return FrameRetold
	case warned:
		return FrameWarning
	}
	return FrameLive
}

// carriesCode matches a one-time code given in a text ("验证码：572019",
// "Your OTP is 482910").
var carriesCode = regexp.MustCompile(`(?i)(?:验证码|驗證碼|校验码|动态码|動態密碼|动态密码|\bcode\b|\botp\b|passcode)\D{0,12}\d{4,8}`)

// codeWords are what carriesCode looks for, as a cheap first test.
var codeWords = []string{"验证码", "驗證碼", "校验码", "动态码", "動態密碼", "动态密码", "code", "CODE", "Code", "otp", "OTP", "Otp"}

// givesCode reports a text that gives a one-time code (carriesCode): the
// regular expression runs only on texts with a run of four digits and a
// code word, a few in a thousand.
func givesCode(text string) bool {
	run, digits := 0, false
	for i := 0; i < len(text) && !digits; i++ {
		if text[i] >= '0' && text[i] <= '9' {
			run++
			digits = run >= 4
		} else {
			run = 0
		}
	}
	if !digits || !slices.ContainsFunc(codeWords, func(w string) bool { return strings.Contains(text, w) }) {
		return false
	}
	return carriesCode.MatchString(text)
}

// insideLonger reports a match inside a longer one carrying kind: "收线"
// inside the signal "唔好收线" (pressure, not a hang-up), "要不要" inside
// the closure "要不要报警" (the aftermath, not whether to go on).
func (c *Classifier) insideLonger(matches []match, m match, kind payloadKind) bool {
	for _, other := range matches {
		if other != m && other.start <= m.start && m.end <= other.end && other.end-other.start > m.end-m.start && c.hasPayload(other, kind) {
			return true
		}
	}
	return false
}

// askedWhether reports a phrase asked about ("是不是被骗了", "是否被骗"),
// not told.
func askedWhether(folded *Folded, start int32) bool {
	if start < 2 {
		return false
	}
	before := string(folded.Runes[max(start-3, 0):start])
	return strings.HasSuffix(before, "是不是") || strings.HasSuffix(before, "是否") || strings.HasSuffix(before, "有没有")
}

// insideAsking reports a match that overlaps one that asks: an inquiry
// ("是不是被骗" over "被骗了") or a question whether to act.
func (c *Classifier) insideAsking(matches []match, m match) bool {
	for _, other := range matches {
		if other == m || other.start >= m.end || m.start >= other.end {
			continue
		}
		for _, ref := range c.matcher.patterns[other.pattern].payloads {
			p := c.payloads[ref]
			if p.kind == payloadQuestion || p.kind == payloadSignal && c.signals[p.index].Role == RoleInquiry {
				return true
			}
		}
	}
	return false
}

// storyRoles are the roles that tell what is being done to someone.
var storyRoles = map[Role]bool{RoleImpersonation: true, RolePretext: true, RolePivot: true, RoleLure: true, RolePressure: true}

// speechActs reads the cues of a turn: reported speech, a retelling, a
// question, a warning, and from them the voice and the frame.
func (c *Classifier) speechActs(text string, folded *Folded, matches []match, from Speaker, otherSpoke, asks, disguised bool) *speech {
	sp := &speech{speaker: SpeakerOther, asks: asks, toldFrom: -1}
	if from == SpeakerUser {
		sp.speaker = SpeakerUser
	}
	var cues frameCues
	var news []match // distinct news cues
	for _, m := range matches {
		for _, ref := range c.matcher.patterns[m.pattern].payloads {
			news = c.readCue(&cues, sp, news, text, folded, matches, m, c.payloads[ref])
		}
	}
	cues.news = len(news)
	// A turn that hands over a disguised address asks the reader to open
	// it, whatever warning it signs off with ("…请透过以下连结重新验证：
	// booking-confirm-card.com 谨防诈骗！"): nobody warns with a look-alike.
	cues.selfDemand = cues.selfDemand || disguised
	// Before anyone else spoke, the protected person can only be asking us.
	cues.asker = sp.speaker == SpeakerUser && !otherSpoke
	if cues.asker && cues.asksAboutWhatWasTold(asks) {
		cues.question, sp.asksToAct = true, true
	}
	sp.asksToAct = sp.asksToAct || sp.speaker == SpeakerUser && cues.asksWhetherToGoOn()
	if cues.warnings > 0 {
		cues.negated, cues.strongAsserted, cues.urges = c.adviceOf(folded, matches, sp)
	}
	sp.frame = cues.frame()
	if sp.frame == FrameLive && sp.speaker == SpeakerUser && cues.passesOn && !cues.selfDemand && !cues.question && !asks {
		// "heads up for anyone with parents on WhatsApp: 'Mum, I dropped
		// my phone…' tell them to ring the old number": the protected
		// person passing a script on to everyone, asking nothing.
		sp.frame = FrameWarning
	}
	sp.cues = cues
	sp.narrated, sp.past, sp.reportsContact = cues.described || cues.reporting, cues.past, cues.described
	sp.voice = cues.voice(sp.speaker, sp.frame)
	return sp
}

// readCue adds what one matched payload p says to a turn's cues and
// speech; news collects the distinct marks of a report.
func (c *Classifier) readCue(cues *frameCues, sp *speech, news []match, text string, folded *Folded, matches []match, m match, p payload) []match {
	switch {
	case p.kind == payloadReporting:
		// "需要我提供…吗" holds "要我" without anyone telling.
		if !c.insideMask(matches, m) {
			cues.reporting = true
			if at := int(folded.Start[m.start]); sp.toldFrom < 0 || at < sp.toldFrom {
				sp.toldFrom = at
			}
		}
	case p.kind == payloadDescribed:
		// "你会收到一条短信" (you will get a text) tells the reader
		// what is about to happen: an instruction, not a story.
		cues.described = cues.described || !foretold(folded, m.start)
	case p.kind == payloadClosure && (c.insideLonger(matches, m, payloadSignal) || c.insideMask(matches, m)):
		// "叫我唔好收线" is the script's pressure, not a hang-up; "根本没买
		// 过彩券" says the prize cannot be real, not that nobody paid.
	case p.kind == payloadClosure:
		cues.closure = true
		sp.closure = true
	case p.kind == payloadPast:
		cues.past = true
	case p.kind == payloadOngoing:
		// The teller's own "now", not the quoted script's ("对方说：
		// “…国家现在统一给予赔偿…”").
		cues.ongoing = cues.ongoing || !insideQuotes(text, int(folded.Start[m.start]))
		sp.ongoing = cues.ongoing
	case p.kind == payloadOwnChannel:
		sp.ownChannel = sp.ownChannel || !c.unnamedApp(folded, matches, m)
	case p.kind == payloadQuestion && c.insideLonger(matches, m, payloadClosure):
		// "要不要改密码、报警？" asks about the aftermath of a
		// refusal, not whether to go on.
	case p.kind == payloadQuestion:
		cues.question = true
		cues.act = cues.act || !insideQuotes(text, int(folded.Start[m.start]))
		sp.asksToAct = true
	case p.kind == payloadNews:
		// Distinct and apart: "被骗了" holds "被骗", one mark.
		if !slices.ContainsFunc(news, func(n match) bool { return n.pattern == m.pattern || n.start < m.end && m.start < n.end }) {
			news = append(news, m)
		}
	case p.kind == payloadPassesOn:
		cues.passesOn = true
	case p.kind == payloadDissuades:
		cues.dissuades = true
	case p.kind == payloadRelative:
		sp.aboutRelative = true
	case p.kind == payloadSelfDemand:
		// A demand inside quotation marks is quoted, as a news
		// report quotes a script ("骗子会说：“把验证码发给我”").
		cues.selfDemand = cues.selfDemand || !insideQuotes(text, int(folded.Start[m.start]))
	case p.kind == payloadSignal && c.signals[p.index].Role == RoleWarning:
		segment := segmentOf(folded, m.start)
		if !c.signals[p.index].Reassures && !slices.ContainsFunc(sp.warnedSegments, func(w warnedStretch) bool { return w.segment == segment }) {
			cues.warnings++ // one per stretch: "we will never ask you to pay" is one warning
		}
		sp.warnedSegments = append(sp.warnedSegments, warnedStretch{segment, m.start, m.end, c.signals[p.index].LooksBack})
	case p.kind == payloadSignal && c.signals[p.index].Role == RoleInquiry:
		cues.question = true
	case p.kind == payloadSignal && storyRoles[c.signals[p.index].Role]:
		cues.story = true
		cues.recovery = cues.recovery || slices.Contains(c.signals[p.index].Types, "scam_recovery")
	}
	return news
}

// voice is whose words a turn of speaker, in frame, carries by its cues.
func (f frameCues) voice(speaker Speaker, frame Frame) voice {
	switch {
	case speaker == SpeakerOther && !f.described && frame == FrameLive:
		return voiceDirect
	case speaker == SpeakerUser && (f.described || f.reporting && f.question):
		// "Someone called saying I must pay a deposit (, was that you?)":
		// the user is telling this party about a third one.
		return voiceThirdParty
	case speaker == SpeakerOther, f.reporting, f.described:
		return voiceReported
	}
	return voiceOwn
}

// adviceOf counts the stretches of a turn whose scam phrases are negated
// or warned against, and reports whether it asserts a strong one: a turn
// that warns, negates two scripts' moves and demands nothing is advice
// ("支付宝客服不会要求您下载会议软件…，刚才那通电话建议您不要理会").
func (c *Classifier) adviceOf(folded *Folded, matches []match, sp *speech) (negated int, strongAsserted, urges bool) {
	var stretches []int32
	for _, m := range matches {
		for _, ref := range c.matcher.patterns[m.pattern].payloads {
			p := c.payloads[ref]
			if p.kind != payloadSignal || c.signals[p.index].Role == RoleWarning || c.signals[p.index].Role == RoleInquiry {
				continue
			}
			if !sp.warned(folded, m.start) && !c.negated(folded, matches, m) {
				strongAsserted = strongAsserted || c.signals[p.index].Weight >= strongAssertion
				urges = urges || urgingRoles[c.signals[p.index].Role]
				continue
			}
			if segment := segmentOf(folded, m.start); !slices.Contains(stretches, segment) {
				stretches = append(stretches, segment)
			}
		}
	}
	return len(stretches), strongAsserted, urges
}

// urgingRoles are what a script presses on the reader with: a move, a
// bait, pressure. A warning that says one of them outside its own scope
// ("别跟家里人说哈…会以为是骗子") is the script talking.
var urgingRoles = map[Role]bool{RoleMoneyMove: true, RolePivot: true, RoleLure: true, RolePressure: true, RoleAction: true, RoleLink: true}

// strongAssertion is the weight of a phrase that, asserted, makes a turn
// more than advice.
const strongAssertion = 0.5

// recordPhrases records the phrase and near hits of a turn.
func (c *Classifier) recordPhrases(state *State, index int, text string, folded *Folded, matches []match, nears []nearHit, sp *speech) bool {
	changed := false
	for _, m := range matches {
		for _, ref := range c.matcher.patterns[m.pattern].payloads {
			if p := c.payloads[ref]; p.kind == payloadSignal {
				changed = c.recordSpan(state, &c.signals[p.index], index, text, folded, matches, m, sp) || changed
			}
		}
	}
	for _, near := range nears {
		changed = c.recordSpan(state, &c.signals[near.signal], index, text, folded, matches, near.span, sp) || changed
	}
	return changed
}

// recordSpan records one matched span, negated when a warning in its
// clause or a negation cue governs it. A warning is never negated ("我们不会
// 加您好友，请注意防范").
func (c *Classifier) recordSpan(state *State, sig *Signal, index int, text string, folded *Folded, matches []match, m match, sp *speech) bool {
	if choiceQuestion(folded, m.start) {
		return false
	}
	act := ActAssert
	if sig.Role != RoleWarning && (sp.warned(folded, m.start) || c.negated(folded, matches, m)) {
		act = ActNegated
	}
	if sig.Role == RoleImpersonation && act == ActAssert && sp.voice == voiceDirect {
		sp.identityClaimed = true
	}
	start, end := folded.Start[m.start], folded.End[m.end-1]
	return c.record(state, sig, index, text, int(start), int(end), act, sp)
}

// choiceQuestion reports a phrase that starts inside a question of the
// form "A不A" ("要不要去派出所", "用唔用俾錢"): "不要去派出所" there is
// someone asking whether to go, not a script telling them not to.
func choiceQuestion(folded *Folded, start int32) bool {
	if start < 1 || int(start)+1 >= len(folded.Runes) {
		return false
	}
	if r := folded.Runes[start]; r != '不' && r != '唔' {
		return false
	}
	return folded.Runes[start-1] == folded.Runes[start+1] && classOf(folded.Runes[start-1]) == classOther
}

// recordBrands counts the brands a turn names; a brand named in a turn that
// also claims an identity is the impersonated one.
func (c *Classifier) recordBrands(state *State, matches []match, sp *speech) {
	if sp.voice == voiceOwn || !sp.frame.live() {
		return
	}
	for _, m := range matches {
		for _, ref := range c.matcher.patterns[m.pattern].payloads {
			p := c.payloads[ref]
			if p.kind != payloadBrand {
				continue
			}
			b := c.brands[p.index]
			if state.Brands[b] == 0 {
				state.BrandFirst = append(state.BrandFirst, b)
			}
			state.Brands[b]++
			if sp.identityClaimed && state.ImpersonatedBrand == "" {
				state.ImpersonatedBrand = b
			}
		}
	}
}

// rescore updates the peak level after message index added evidence.
func (c *Classifier) rescore(state *State, index int) {
	level, score, hard := c.score(state)
	routedHome := !hard && !state.HardStop && c.routedHome(state)
	if routedHome {
		level, score = LevelNone, min(score, SuspiciousThreshold-0.01)
	} else if raised := c.modelLevel(state, level, len(state.liveEvidence())); raised != level {
		level, state.ModelRaised = raised, true
		score = max(score, levelFloor[raised])
	} else if level == LevelSuspicious && !hard && (c.modelHolds(state) || c.onlyANewNumber(state)) {
		level, score = LevelNone, min(score, SuspiciousThreshold-0.01)
	}
	if routedHome || state.Retold && !state.HardStop {
		// A retelling takes back what its relayed words raised: the peak
		// is what the words that were not relayed reach. So does an
		// opening that turned out to send the reader to their own channel
		// ("…please call the number on the back of your card") and asks
		// for nothing: the alert was the opening's, and the next ask
		// raises it again.
		state.Peak, state.PeakScore, state.FirstAlertIndex = LevelNone, 0, -1
	}
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
	c.noteTeller(state, index)
}

// shift moves the byte spans of the runes by offset: a turn of a pasted
// transcript is folded alone, but its quotes point into the whole message
// (carried runes point at the turn's first byte).
func (f *Folded) shift(offset int) {
	if offset == 0 {
		return
	}
	for i := range f.Start {
		f.Start[i] += int32(offset)
		f.End[i] += int32(offset)
	}
}

// anyDisguised reports a link among links that hides where it leads
// (disguisedLinks).
func anyDisguised(links []codeHit) bool {
	return slices.ContainsFunc(links, func(hit codeHit) bool { return slices.Contains(disguisedLinks, hit.signal) })
}

// recordCodeSignals records the links and numbers of turn t (links: those
// of its text as written) and a hidden sender, and reports whether the
// evidence changed. In the protected person's own words only a disguised
// address counts, as relayed: it is one they were sent ("二舅发了个链接
// shebao-rz.net，能点吗"), nobody types a look-alike of their own.
func (c *Classifier) recordCodeSignals(state *State, index int, text string, t Turn, links []codeHit, sp *speech, hidden bool) bool {
	changed := false
	if sp.voice == voiceOwn {
		relayed := *sp
		relayed.voice = voiceReported
		for _, hit := range links {
			if slices.Contains(disguisedLinks, hit.signal) {
				changed = c.record(state, c.signal(hit.signal), index, text, t.Start+hit.start, t.Start+hit.end, ActAssert, &relayed) || changed
			}
		}
		return changed
	}
	plain := undisguise(text[t.Start:t.End])
	for _, hit := range findCodeSignals(plain.text) {
		start, end := t.Start+plain.at(hit.start), t.Start+plain.at(hit.end)
		changed = c.record(state, c.signal(hit.signal), index, text, start, end, ActAssert, sp) || changed
	}
	if hidden {
		changed = c.record(state, c.signal(senderHidden.ID), index, text, t.Start, t.Start, ActAssert, sp) || changed
	}
	return changed
}

// foretold reports whether the words at folded rune i are announced to
// the reader as what will happen ("你会收到", "您将接到", "等下会收到").
func foretold(folded *Folded, i int32) bool {
	if i == 0 || folded.PunctBefore[i] {
		return false
	}
	switch folded.Runes[i-1] {
	case '会', '将':
		return true
	}
	return false
}

// insideQuotes reports whether byte offset at of text lies between
// quotation marks (“…”, 「…」, 『…』, "…").
func insideQuotes(text string, at int) bool {
	depth, straight := 0, false
	for _, r := range text[:at] {
		switch r {
		case '“', '「', '『', '《':
			depth++
		case '”', '」', '』', '》':
			if depth > 0 {
				depth--
			}
		case '"':
			straight = !straight
		}
	}
	if depth > 0 || straight {
		return true
	}
	// 'Grandpa it's me… you need to get $4,000 in gift cards…': single
	// quotation marks, told apart from apostrophes (singleQuoteSpan).
	start, end := singleQuoteSpan(text)
	return start >= 0 && start <= at && at < end
}

// lookAlike reports a non-ASCII letter that folds to an ASCII one (а, о, Ｔ).
func lookAlike(r rune) bool {
	f := foldLetter(r)
	return f < utf8.RuneSelf && unicode.IsLetter(f)
}

// plainText is a turn's text as the byte-level finders (links, numbers)
// need it, with the way back to the original bytes.
type plainText struct {
	text string
	// origin maps each byte of text (and its end) to the original byte;
	// nil when text is the original.
	origin []int
}

// at maps a byte offset of the plain text to the original text.
func (p plainText) at(i int) int {
	if p.origin == nil {
		return i
	}
	return p.origin[i]
}

// undisguise undoes what hides a link or a number from the byte-level
// finders: full-width ASCII ("ｂｉｔ．ｌｙ") and Latin look-alikes ("Тxt" with
// a Cyrillic Т) become ASCII, and invisible characters, emoji inside a
// word and dots between single letters ("T.x.t") are dropped.
func undisguise(text string) plainText {
	changed := false
	for i, r := range text {
		if _, keep := undisguised(text, i, r); !keep || r >= utf8.RuneSelf && foldsToASCII(r) {
			changed = true
			break
		}
	}
	if !changed {
		return plainText{text: text}
	}
	var b strings.Builder
	var origin []int
	for i, r := range text {
		out, keep := undisguised(text, i, r)
		if !keep {
			continue
		}
		n, _ := b.WriteRune(out)
		for k := 0; k < n; k++ {
			origin = append(origin, i+k)
		}
	}
	return plainText{text: b.String(), origin: append(origin, len(text))}
}

// foldsToASCII reports a full-width form or a look-alike letter.
func foldsToASCII(r rune) bool { return r >= 0xFF01 && r <= 0xFF5E || lookAlike(r) }

// undisguised returns what rune r at byte i of text becomes, and false
// when it is dropped.
func undisguised(text string, i int, r rune) (rune, bool) {
	switch {
	case r < utf8.RuneSelf:
		// "T.x.t", "b.i.t.ly": a dot between letters standing alone. Not
		// the dot after a one-letter subdomain ("v.whatsapp.com"), whose
		// next letter starts a word.
		if r == '.' && singleLetterBefore(text, i) && letterAt(text, i+1) && !letterAt(text, i+2) {
			return r, false
		}
		return r, true
	case isInvisible(r):
		return r, false
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFF01 + '!', true
	case lookAlike(r):
		return foldLetter(r), true
	case r != utf8.RuneError && unicode.Is(unicode.So, r) && letterBefore(text, i) && letterAfter(text, i+utf8.RuneLen(r)):
		return r, false
	}
	return r, true
}

// singleLetterBefore: text[i-1] is a letter standing alone ("T.x.t").
func singleLetterBefore(text string, i int) bool {
	return i >= 1 && isLetter(text[i-1]) && (i == 1 || !isLetter(text[i-2]))
}

func letterAt(text string, i int) bool { return i < len(text) && isLetter(text[i]) }

// letterBefore and letterAfter look past other symbols for a letter next
// to an emoji ("Tx💰t").
func letterBefore(text string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	return unicode.IsLetter(r)
}

func letterAfter(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsLetter(r)
}

// endsAsQuestion reports a turn whose last sentence is a question: a
// question mark, or a Chinese question particle before the final marks.
func endsAsQuestion(turn string) bool {
	trimmed := strings.TrimRightFunc(turn, func(r rune) bool {
		return unicode.IsSpace(r) || r == '。' || r == '.' || r == '~' || r == '～'
	})
	if trimmed == "" {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(trimmed)
	switch last {
	case '?', '？', '吗', '嗎', '么', '麼', '呢', '咩', '嘛', '未':
		return true
	}
	return false
}

// carriesMessage reports a turn that holds a message of its own pasted
// into the teller's words: a link, an SMS signature ("【中国移动】"), or a
// transcript handed over ("call transcript (voice to text): …").
func carriesMessage(own string) bool {
	if strings.ContainsAny(own, "【】") || len(findLinks(own)) > 0 {
		return true
	}
	head, _, found := strings.Cut(own, ":")
	if !found {
		head, _, found = strings.Cut(own, "：")
	}
	return found && utf8.RuneCountInString(head) <= 40 && handsOver(head+":")
}

// noteUserTurn keeps what a turn of the protected person says about the
// conversation: that it carries a message of the other party's (or says
// it is going on now), that it asks whether to act, and what that question
// asks about. It reports whether the evidence changed.
func noteUserTurn(state *State, t Turn, own string, sp *speech) bool {
	changed := false
	if !state.CarriedMessage && (t.Labelled || sp.ongoing || carriesMessage(own)) {
		state.CarriedMessage = true
		changed = true
	}
	if sp.ongoing && !sp.closure && !sp.past && !state.Retold && !state.ToldOngoing {
		// "my grandpa is on the phone RIGHT NOW with someone…": said once,
		// it holds for what the teller relays after it (relayedLive).
		state.ToldOngoing = true
		changed = true
	}
	if sp.ongoing && !sp.closure && !sp.past && state.ReportedHard && !state.Retold && !state.HardAsked {
		// A hard move relayed while it is being done ("he's at the branch
		// right now", "她已经买好了…半小时后到") needs the same clear no as
		// one asked about.
		state.HardAsked = true
		changed = true
	}
	if state.relayedLive() && promoteToldAlone(state) {
		// A relay said to be acted on now ("he's logging into his bank
		// right now", "她说要去汇钱") is the script being played, as one
		// asked about is: what the helper told counts as said.
		changed = true
	}
	if !sp.asksToAct {
		return changed
	}
	if !state.AskedToAct {
		state.AskedToAct = true
		changed = true
	}
	if !state.OtherSpoke && !state.Retold && promoteToldAlone(state) {
		// Someone who told us alone, over several messages, what is being
		// done to them and now asks whether to do it relays the script:
		// all of what they told counts as said, as the asking turn does.
		changed = true
	}
	if state.Narrated && !state.Retold {
		// "He said to buy the cards." … "Should I go buy them?": the
		// question asks about what was told before it, and a hard move
		// told is a hard stop asked about.
		state.noteFrameWeight(FrameQuestion, frameCueWeight)
		// So does one about a hard move the other party demanded ("move
		// your savings to this new account" … "should I move it now?").
		if (state.ReportedHard || len(state.HardDemanded) > 0) && !state.HardAsked {
			state.HardAsked = true
			changed = true
		}
	}
	return changed
}

// promoteToldAlone counts in full what the protected person told us alone
// (ToldAlone) and reports whether the evidence changed.
func promoteToldAlone(state *State) bool {
	changed := false
	for id, w := range state.ToldAlone {
		if w > state.Evidence[id] {
			state.Evidence[id] = w
			changed = true
		}
	}
	return changed
}
