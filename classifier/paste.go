package classifier

import (
	"iter"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Turn is one speaker's turn inside a message: the whole message, or one
// turn of a transcript pasted into it.
type Turn struct {
	From Speaker
	// Start and End are the turn's byte span in the message text.
	Start, End int
	// Quoted marks a message the user quotes inside their own ("收到这个
	// 短信：「…」"): relayed words, as in a retelling.
	Quoted bool `json:"quoted,omitempty"`
	// Labelled marks a turn of a transcript, read from its speaker label:
	// a conversation pasted, not the sender's own story.
	Labelled bool `json:"labelled,omitempty"`
	// Header marks the sender's own words before the first speaker label
	// of a transcript ("粘贴过来：", "copying the chat I just had:"): the
	// person handing us the paste, not a turn of the conversation in it.
	Header bool `json:"header,omitempty"`
}

// Turns splits a message into the turns of a pasted transcript ("客服：…\n
// 我：…", "Agent: …", WeChat, LINE, WhatsApp and Telegram copies with names
// and times); a message that is not a transcript is one turn from its
// sender. Elderly users paste whole chats: a paste and the same turns
// forwarded one by one must reach the same verdict.
func (c *Classifier) Turns(text string, from Speaker) []Turn { return c.splitPaste(text, from) }

// Speaker labels whose meaning is known: the protected person's own ("我",
// "me") and the other party's ("客服", "agent"). Only these are taken as
// labels in the middle of a line (a paste flattened onto one line).
var (
	selfLabels = map[string]bool{
		"我": true, "本人": true, "自己": true, "我方": true, "用户": true, "me": true, "myself": true,
		"you": true, "user": true, "victim": true, "受害人": true,
	}
	otherLabels = map[string]bool{
		"客服": true, "对方": true, "骗子": true, "坐席": true, "来电": true, "来电人": true, "他": true, "她": true,
		"客服人员": true, "工作人员": true, "陌生人": true, "對方": true, "客服專員": true, "騙子": true,
		"agent": true, "caller": true, "scammer": true, "support": true, "rep": true, "them": true, "stranger": true,
		"operator": true, "customer service": true, "unknown": true, "unknown number": true,
	}
	// fieldLabels name fields of a form or a receipt ("订单号：…"), not people.
	fieldLabels = map[string]bool{
		"时间": true, "地点": true, "地址": true, "电话": true, "手机": true, "手机号": true, "姓名": true, "订单号": true,
		"订单编号": true, "单号": true, "快递单号": true, "运单号": true, "金额": true, "备注": true, "状态": true,
		"物流": true, "收货人": true, "日期": true, "价格": true, "数量": true, "商品": true, "邮箱": true, "网址": true,
		"链接": true, "账号": true, "卡号": true, "密码": true, "验证码": true, "注意": true, "提示": true, "温馨提示": true,
		"原因": true, "说明": true, "标题": true, "主题": true, "内容": true, "来源": true, "编号": true, "总计": true,
		"合计": true, "结果": true, "问题": true, "答案": true, "回复": true, "附件": true, "网站": true, "官网": true,
		"name": true, "address": true, "phone": true, "mobile": true, "email": true, "e-mail": true, "order": true,
		"order number": true, "amount": true, "date": true, "time": true, "status": true, "tracking": true,
		"tracking number": true, "reference": true, "ref": true, "subject": true, "from": true, "to": true,
		"total": true, "price": true, "qty": true, "note": true, "notes": true, "ps": true, "re": true, "fwd": true,
		"tip": true, "warning": true, "important": true, "reason": true, "link": true, "url": true, "website": true,
		"account": true, "code": true, "pin": true, "password": true, "step": true, "q": true, "a": true,
		"question": true, "answer": true, "update": true, "example": true, "http": true, "https": true,
	}
)

// mediaPlaceholders are what chat copies put in brackets for a picture, a
// voice note or a transfer: never a speaker.
var mediaPlaceholders = map[string]bool{
	"图片": true, "圖片": true, "照片": true, "语音": true, "語音": true, "视频": true, "視頻": true, "影片": true,
	"表情": true, "动画表情": true, "貼圖": true, "贴图": true, "文件": true, "檔案": true, "链接": true, "連結": true,
	"红包": true, "紅包": true, "转账": true, "轉帳": true, "位置": true, "名片": true, "通话": true, "通話": true,
	"photo": true, "image": true, "picture": true, "video": true, "sticker": true, "voice": true, "audio": true,
	"file": true, "link": true, "gif": true, "location": true, "contact": true, "voice message": true, "media omitted": true,
}

// Time stamps that copy formats put before or after a name.
const (
	datePart = `\d{1,4}[/.\-年]\d{1,2}(?:[/.\-月]\d{1,4}日?)?`
	timePart = `(?:(?:上午|下午|晚上|凌晨|中午|早上)\s*)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?`
)

var (
	// leadingStamp: "[10:32] ", "12/03/2026, 10:32 - ", "[12/03/26 10:32:01] ".
	leadingStamp = regexp.MustCompile(`^[\[(（]?(?:` + datePart + `[,，]?\s*)?` + timePart + `[\])）]?\s*(?:-\s*)?`)
	// headerLine: a name and a time alone on a line, the text below it
	// (WeChat "王经理 10:32", Telegram "王经理, [03.12.26 10:32]").
	headerLine = regexp.MustCompile(`^(.{1,24}?)[,，]?\s+[\[(（]?(?:` + datePart + `[,，]?\s*)?` + timePart + `[\])）]?$`)
	// appTag is the app a copied line names before the speaker ("[微信] ").
	appTag = regexp.MustCompile(`^[\[【](?:微信|wechat|line|whatsapp|telegram|qq|sms|短信|簡訊|简讯|imessage|messenger|signal)[\]】]\s*`)
	// bracketLabel is a speaker's name in square brackets opening a line.
	bracketLabel = regexp.MustCompile(`^\[([^\[\]\n:：]{1,24})\]\s*`)
	// onlyStamp is a line that is just a time or a date ("昨天 10:32").
	onlyStamp = regexp.MustCompile(`^[\[(（]?(?:(?:昨天|今天|前天|yesterday|today)\s*)?(?:` + datePart + `[,，]?\s*)?` + timePart + `[\])）]?$`)
)

// labelMark is a speaker label found in the text.
type labelMark struct {
	name       string // lower-cased, trimmed
	at         int    // byte where the label (or its time stamp) starts
	textStart  int    // byte where the labelled text starts
	inline     bool   // found in the middle of a line
	headerOnly bool   // the text starts on the next line
}

// splitPaste returns the turns of text (one turn when it is no transcript).
func (c *Classifier) splitPaste(text string, from Speaker) []Turn {
	whole := []Turn{{From: from, Start: 0, End: len(text)}}
	if !strings.ContainsAny(text, ":：\n") {
		if turns := quotedMessage(text, from); len(turns) > 1 {
			return turns
		}
		return receivedMessage(text, from)
	}
	marks := outsideQuotes(text, findLabels(text))
	if !isTranscript(marks) {
		if turns := quotedMessage(text, from); len(turns) > 1 {
			return turns
		}
		return receivedMessage(text, from)
	}
	speakers := c.assignSpeakers(text, marks)
	var turns []Turn
	add := func(speaker Speaker, start, end int) {
		for start < end && isSpaceByte(text[start]) {
			start++
		}
		for end > start && isSpaceByte(text[end-1]) {
			end--
		}
		if start >= end {
			return
		}
		if n := len(turns); n > 0 && turns[n-1].From == speaker && strings.TrimSpace(text[turns[n-1].End:start]) == "" {
			turns[n-1].End = end
			turns[n-1].Header = false
			return
		}
		turns = append(turns, Turn{From: speaker, Start: start, End: end, Labelled: true})
	}
	add(from, 0, marks[0].at)
	if len(turns) == 1 {
		turns[0].Labelled = false // the sender's words before any label
	}
	if len(turns) == 1 && !marks[0].inline {
		// Words on lines of their own above the first label: a header.
		// Before a label in mid-line (a paste flattened onto one line)
		// they are the first speaker's turn.
		turns[0].Header = true
	}
	for i, m := range marks {
		end := len(text)
		if i+1 < len(marks) {
			end = marks[i+1].at
		}
		speaker := speakers[m.name]
		if m.inline && speaker == SpeakerUser {
			// A reply in a paste flattened onto one line is its first
			// sentence; what follows with no label is the other party
			// going on ("我:对，怎么了？ 您的快递在运输途中丢失了…").
			if cut := replyEnd(text[m.textStart:end]); cut > 0 && strings.TrimSpace(text[m.textStart+cut:end]) != "" {
				add(speaker, m.textStart, m.textStart+cut)
				add(SpeakerOther, m.textStart+cut, end)
				continue
			}
		}
		add(speaker, m.textStart, end)
	}
	if len(turns) == 0 {
		return whole
	}
	return receivedInside(text, turns)
}

// receivedInside splits the protected person's turns of a transcript that
// paste a message they got ("我：收到这个短信\n【…】…"), as their own
// messages are split (receivedMessage): the message is the other party's.
func receivedInside(text string, turns []Turn) []Turn {
	var out []Turn
	for _, t := range turns {
		if t.From != SpeakerUser {
			out = append(out, t)
			continue
		}
		inner := receivedMessage(text[t.Start:t.End], SpeakerUser)
		if len(inner) == 1 && inner[0].From == SpeakerUser {
			out = append(out, t)
			continue
		}
		for _, in := range inner {
			in.Start += t.Start
			in.End += t.Start
			in.Labelled = t.Labelled
			in.Header = false
			out = append(out, in)
		}
	}
	return out
}

// findLabels finds the speaker labels of text, in order: at the start of a
// line (after an optional time stamp) any short name followed by a colon,
// a name-and-time header line, a time-name-text line separated by tabs
// (LINE), and in the middle of a line the known labels only.
func findLabels(text string) []labelMark {
	var marks []labelMark
	for lineStart, lineEnd := range lines(text) {
		line := text[lineStart:lineEnd]
		indent := len(line) - len(strings.TrimLeftFunc(line, unicode.IsSpace))
		if m, ok := lineLabel(line[indent:]); ok {
			m.at += lineStart + indent
			m.textStart += lineStart + indent
			marks = append(marks, m)
			marks = append(marks, inlineLabels(text, m.textStart, lineEnd)...)
		} else {
			marks = append(marks, inlineLabels(text, lineStart, lineEnd)...)
		}
	}
	return marks
}

// lines yields the byte span of each line of text, the newline left out.
func lines(text string) iter.Seq2[int, int] {
	return func(yield func(start, end int) bool) {
		for start := 0; start < len(text); {
			end := strings.IndexByte(text[start:], '\n')
			if end < 0 {
				end = len(text)
			} else {
				end += start
			}
			if !yield(start, end) {
				return
			}
			start = end + 1
		}
	}
}

// lineLabel reads a label at the start of a line.
func lineLabel(line string) (labelMark, bool) {
	// "[微信] 王经理 10:12", "【LINE】…": the app a copy came from is no name.
	if tag := appTag.FindString(line); tag != "" {
		m, ok := lineLabel(line[len(tag):])
		if ok {
			m.at = 0 // the turn before ends where the tag starts
			m.textStart += len(tag)
		}
		return m, ok
	}
	trimmed := strings.TrimRightFunc(line, unicode.IsSpace)
	if onlyStamp.MatchString(trimmed) {
		return labelMark{}, false
	}
	if fields := strings.Split(trimmed, "\t"); len(fields) >= 3 && onlyStamp.MatchString(strings.TrimSpace(fields[0])) {
		if name, ok := labelName(fields[1]); ok {
			at := len(fields[0]) + 1 + len(fields[1]) + 1
			return labelMark{name: name, textStart: at}, true
		}
	}
	if h := headerLine.FindStringSubmatch(trimmed); h != nil {
		if name, ok := labelName(h[1]); ok && !strings.ContainsAny(h[1], ":：") {
			return labelMark{name: name, textStart: len(line), headerOnly: true}, true
		}
	}
	rest := line
	stamped := false
	if loc := leadingStamp.FindStringIndex(rest); loc != nil {
		rest, stamped = rest[loc[1]:], true
	}
	// "[携程客服] 您好…", "[我] 好的": a name in brackets with the turn after
	// it on the same line. "[图片]" and the like stand for media, not names.
	if b := bracketLabel.FindStringSubmatchIndex(rest); b != nil && strings.TrimSpace(rest[b[1]:]) != "" {
		if name, ok := labelName(rest[b[2]:b[3]]); ok && !mediaPlaceholders[name] {
			return labelMark{name: name, textStart: len(line) - len(rest) + b[1]}, true
		}
	}
	colon := strings.IndexAny(rest, ":：")
	if colon > 0 && !strings.HasPrefix(rest[colon:], "://") {
		if name, ok := labelName(rest[:colon]); ok {
			_, width := utf8.DecodeRuneInString(rest[colon:])
			return labelMark{name: name, textStart: len(line) - len(rest) + colon + width}, true
		}
	}
	if stamped {
		// "09:31 林助理 各位早安": a time, a name and the text, spaces
		// between (LINE and some group exports).
		if name, text, ok := strings.Cut(rest, " "); ok && strings.TrimSpace(text) != "" && utf8.RuneCountInString(name) <= 12 {
			if n, ok := labelName(name); ok {
				return labelMark{name: n, textStart: len(line) - len(rest) + len(name) + 1}, true
			}
		}
	}
	return labelMark{}, false
}

// inlineLabels finds the known labels inside text[from:to]: after a space
// or a sentence mark, a known label and a colon.
func inlineLabels(text string, from, to int) []labelMark {
	var marks []labelMark
	for i := from; i < to; {
		j := strings.IndexAny(text[i:to], ":：")
		if j < 0 {
			break
		}
		colon := i + j
		_, width := utf8.DecodeRuneInString(text[colon:])
		start := labelStart(text, from, colon)
		if start > from || start == from && from > 0 && text[from-1] != '\n' {
			name := strings.ToLower(strings.TrimSpace(text[start:colon]))
			if (selfLabels[name] || otherLabels[name]) && start < colon {
				marks = append(marks, labelMark{name: name, at: start, textStart: colon + width, inline: true})
			}
		}
		i = colon + width
	}
	return marks
}

// labelStart walks back from a colon over the label's word to the space or
// sentence mark before it.
func labelStart(text string, floor, colon int) int {
	start := colon
	for start > floor {
		r, w := utf8.DecodeLastRuneInString(text[floor:start])
		if unicode.IsSpace(r) || isClauseBreak(foldPunct(r)) || r == ',' || r == '，' || r == '、' {
			break
		}
		start -= w
		if colon-start > 48 {
			return colon
		}
	}
	return start
}

// labelName validates a speaker name: short, no sentence marks, no field
// name of a form.
func labelName(raw string) (string, bool) {
	name := strings.ToLower(strings.TrimSpace(strings.Trim(strings.TrimSpace(raw), "[]【】<>《》\"“”「」'‘’")))
	n := utf8.RuneCountInString(name)
	if n == 0 || n > 20 || n > 16 && !phoneName.MatchString(name) || fieldLabels[name] || strings.Count(name, " ") > 4 {
		return "", false
	}
	digits := 0
	for _, r := range name {
		switch {
		case unicode.IsDigit(r):
			digits++
		case unicode.IsPunct(r) && r != '.' && r != '-' && r != '_' && r != '\'' && r != '(' && r != ')' && r != '（' && r != '）':
			return "", false
		}
	}
	if digits*2 > n && !phoneName.MatchString(name) {
		return "", false
	}
	return name, true
}

// phoneName is a contact saved as nothing but a number ("+44 7723 xxx 519"
// in a WhatsApp export): a name like any other.
var phoneName = regexp.MustCompile(`^\+?[\d][\d x()\-]{5,19}$`)

// isTranscript: a known label ("我", "客服", "Agent"), or three labels of
// which a name speaks twice (a form's fields appear once each).
func isTranscript(marks []labelMark) bool {
	seen := map[string]int{}
	for _, m := range marks {
		if selfLabels[m.name] || otherLabels[m.name] {
			// One known label is enough: "…对吗？ 我:对，怎么了？ 您的快递…"
			// is a paste flattened onto one line.
			return true
		}
		seen[m.name]++
		if seen[m.name] >= 2 && len(marks) >= 3 {
			return true
		}
	}
	return false
}

// assignSpeakers maps each label to a speaker. Known labels say it; with
// only names, the protected person is the named party whose words carry
// the least scam evidence (the other party is the one who demands).
func (c *Classifier) assignSpeakers(text string, marks []labelMark) map[string]Speaker {
	speakers := map[string]Speaker{}
	hasSelf := false
	for _, m := range marks {
		if selfLabels[m.name] {
			hasSelf = true
		}
	}
	var names []string
	for _, m := range marks {
		if _, ok := speakers[m.name]; ok {
			continue
		}
		switch {
		case selfLabels[m.name]:
			speakers[m.name] = SpeakerUser
		default:
			speakers[m.name] = SpeakerOther
			if !otherLabels[m.name] {
				names = append(names, m.name)
			}
		}
	}
	if hasSelf || len(names) < 2 {
		return speakers
	}
	weights := map[string]float64{}
	for i, m := range marks {
		end := len(text)
		if i+1 < len(marks) {
			end = marks[i+1].at
		}
		weights[m.name] += c.phraseWeight(text[m.textStart:end])
	}
	// Ties go to the party who spoke second: scripts open the conversation.
	user := names[1]
	for _, name := range names {
		if weights[name] < weights[user] {
			user = name
		}
	}
	speakers[user] = SpeakerUser
	return speakers
}

// phraseWeight sums the weights of the scam phrases (not warnings or
// questions) in text.
func (c *Classifier) phraseWeight(text string) float64 {
	folded := Normalize(text)
	total := 0.0
	for _, m := range c.matcher.findAll(folded, nil) {
		for _, ref := range c.matcher.patterns[m.pattern].payloads {
			if p := c.payloads[ref]; p.kind == payloadSignal {
				if sig := &c.signals[p.index]; sig.Role != RoleWarning && sig.Role != RoleInquiry {
					total += sig.Weight
				}
			}
		}
	}
	return total
}

// replyEnd is where a reply in a flattened paste ends: its first sentence
// mark, or in Chinese, which puts no spaces between words, the first space
// ("我:怎么验证 你在京东买一张京东E卡…": the join left only a space).
func replyEnd(s string) int {
	cut := firstSentenceEnd(s)
	if start := unmarkedSentenceStart(s); start > 0 && (cut == 0 || start < cut) {
		cut = start
	}
	body := strings.TrimLeftFunc(s, unicode.IsSpace)
	if first, _ := utf8.DecodeRuneInString(body); unicode.Is(unicode.Han, first) {
		lead := len(s) - len(body)
		if space := strings.IndexFunc(body, unicode.IsSpace); space > 0 && (cut == 0 || lead+space < cut) {
			cut = lead + space
		}
	}
	return cut
}

// unmarkedSentenceStart returns the byte where a capitalised word follows
// a lower-case one within the first few words of s ("what do I do Pay the
// fee…": the reply lost its question mark), or 0. "I" and its forms are
// not a sentence start.
func unmarkedSentenceStart(s string) int {
	words := 0
	for i := 1; i < len(s) && words < shortReplyWords; i++ {
		if s[i-1] != ' ' {
			continue
		}
		words++
		if i >= 2 && s[i-2] >= 'a' && s[i-2] <= 'z' && s[i] >= 'A' && s[i] <= 'Z' && !pronounI(s[i:]) {
			return i
		}
	}
	return 0
}

// shortReplyWords is how far into a flattened reply a missing sentence
// mark is looked for: replies in pasted chats are short.
const shortReplyWords = 8

// pronounI reports whether s starts with the word "I" ("I", "I'm", "I'll").
func pronounI(s string) bool { return s[0] == 'I' && (len(s) == 1 || !isASCIILetter(s[1])) }

// firstSentenceEnd returns the byte just after the first sentence mark of
// s that has text after it, or 0.
func firstSentenceEnd(s string) int {
	for i, r := range s {
		if isClauseBreak(foldPunct(r)) || r == '？' || r == '！' || r == '。' {
			return i + utf8.RuneLen(r)
		}
	}
	return 0
}

func isSpaceByte(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

// quotedMessage splits a user's message that quotes the message they got
// ("收到呢个SMS，係咪真㗎？「【csl】您的积分…」", "got this: “Your parcel…”"):
// the quote is the other party's words. A quote is a message when it is
// long enough to be one and starts with an SMS signature (【…】) or holds
// a link; short quotes are the user's own words ("他说“马上退”").
func quotedMessage(text string, from Speaker) []Turn {
	whole := []Turn{{From: from, Start: 0, End: len(text)}}
	if from != SpeakerUser {
		return whole
	}
	start, end := quoteSpan(text)
	if start < 0 {
		return whole
	}
	quote := text[start:end]
	// The words before the quote may hand it over ("飞机群里一个人私聊我的：“…”",
	// "voicemail transcript: \"…\"").
	// A short line, not a story that ends on a quote ("我妈差点被骗，…发来的：“…”").
	prefix := strings.TrimRightFunc(text[:start], func(r rune) bool { return strings.ContainsRune("“「『\"", r) || unicode.IsSpace(r) })
	handed := utf8.RuneCountInString(prefix) <= handOverRunes && handsOver(prefix)
	if utf8.RuneCountInString(quote) < quotedMessageRunes ||
		!handed && !strings.HasPrefix(strings.TrimSpace(quote), "【") && len(findLinks(quote)) == 0 && !receivedAlone(quote) {
		return whole
	}
	var turns []Turn
	if strings.TrimSpace(text[:start]) != "" {
		// "收到这个短信：" hands us the message: the message opened.
		turns = append(turns, Turn{From: SpeakerUser, Start: 0, End: start, Header: true})
	}
	turns = append(turns, Turn{From: SpeakerOther, Start: start, End: end, Quoted: true})
	if rest := strings.TrimLeftFunc(text[end:], isQuoteOrSpace); rest != "" {
		turns = append(turns, Turn{From: SpeakerUser, Start: len(text) - len(rest), End: len(text)})
	}
	return turns
}

// isQuoteOrSpace: a closing quotation mark and the space after it.
func isQuoteOrSpace(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune("」”』\"'", r)
}

// handOverRunes is the longest line that hands a quote over.
const handOverRunes = 32

// quotedMessageRunes is the shortest quote taken for a message.
const quotedMessageRunes = 20

// quoteSpan returns the byte span inside the first pair of quotation marks
// of text, or -1.
func quoteSpan(text string) (int, int) {
	for _, q := range [][2]string{{"「", "」"}, {"“", "”"}, {"『", "』"}, {"\"", "\""}} {
		open := strings.Index(text, q[0])
		if open < 0 {
			continue
		}
		start := open + len(q[0])
		closing := strings.LastIndex(text[start:], q[1])
		if closing < 0 {
			continue
		}
		return start, start + closing
	}
	return singleQuoteSpan(text)
}

// singleQuoteSpan returns the byte span inside single quotation marks
// ("Got this today: 'Medicare: Your rebate… medicare-au-rebate.com'. I
// deleted it."), or -1: an opening mark after a space or a colon, a
// closing one after text and before no letter, so that apostrophes
// ("haven't", "you've") are neither.
func singleQuoteSpan(text string) (int, int) {
	open := -1
	for i := 0; i+1 < len(text); i++ {
		if text[i] == '\'' && (i == 0 || text[i-1] == ' ' || text[i-1] == ':') && text[i+1] != ' ' {
			open = i
			break
		}
	}
	if open < 0 {
		return -1, -1
	}
	for i := len(text) - 1; i > open+1; i-- {
		if text[i] == '\'' && text[i-1] != ' ' && (i+1 == len(text) || !isASCIILetter(text[i+1])) {
			return open + 1, i
		}
	}
	return -1, -1
}

// outsideQuotes drops the labels inside quotation marks: a retelling or a
// news report that quotes a transcript ("对方说：“客服：…”") is one turn
// of its teller, not a conversation.
func outsideQuotes(text string, marks []labelMark) []labelMark {
	kept := marks[:0]
	for _, m := range marks {
		if !insideQuotes(text, m.at) {
			kept = append(kept, m)
		}
	}
	return kept
}

// receivedMessage splits a user's message that pastes, on lines of its own,
// a message they got: an SMS with its signature ("【顺丰速运】…", "…【中国移动】",
// "[10086] …", "#HKPost …"), a sender's name before it ("DBS: Your digibank
// account…"), a link, an e-mail's headers ("From:", "Subject:") or a
// screenshot read out line by line between them. Those lines are the other
// party's words, quoted; the lines before them hand the message over and the
// lines after ask about it ("这个要点吗", "Should I call them?").
func receivedMessage(text string, from Speaker) []Turn {
	whole := []Turn{{From: from, Start: 0, End: len(text)}}
	if from != SpeakerUser {
		return whole
	}
	if !strings.Contains(text, "\n") {
		if receivedAlone(text) {
			// The message is the text they got, pasted as it came ("【国网
			// 电力】您户号…请点击…", "myGov: Your account has been
			// suspended…"): the other party's words.
			return []Turn{{From: SpeakerOther, Start: 0, End: len(text), Quoted: true}}
		}
		return whole
	}
	first, last, lastParagraph := -1, -1, -1
	mail := false
	var spans [][2]int
	for start, end := range lines(text) {
		if line := strings.TrimSpace(text[start:end]); line != "" {
			if looksReceived(line) {
				if first < 0 {
					first = len(spans)
					mail = mailHeader.MatchString(line)
				}
				last = len(spans)
			}
			spans = append(spans, [2]int{start, end})
		} else if len(spans) > 0 {
			lastParagraph = len(spans) // the next line opens a paragraph
		}
	}
	if first < 0 && len(spans) >= 2 && handsOver(text[spans[0][0]:spans[0][1]]) {
		// "This popped up on my laptop, ran text recognition:", "截图文字:":
		// everything under the line that hands it over, but a closing
		// question, is the message.
		first, last = 1, len(spans)-1
		if closing := strings.TrimSpace(text[spans[last][0]:spans[last][1]]); last > first && (strings.HasSuffix(closing, "?") || strings.HasSuffix(closing, "？")) {
			last--
		}
		if lastParagraph > first && lastParagraph <= last {
			last = lastParagraph - 1
		}
	}
	if first < 0 || len(spans) < 2 {
		return whole
	}
	if mail && lastParagraph > last+1 {
		// An e-mail's body runs on below its headers, up to the last
		// paragraph: the user's own words about it.
		last = lastParagraph - 1
	}
	var turns []Turn
	if first > 0 {
		turns = append(turns, Turn{From: SpeakerUser, Start: 0, End: spans[first][0], Header: true})
	}
	turns = append(turns, Turn{From: SpeakerOther, Start: spans[first][0], End: spans[last][1], Quoted: true})
	if last+1 < len(spans) {
		turns = append(turns, Turn{From: SpeakerUser, Start: spans[last+1][0], End: len(text)})
	}
	return turns
}

var (
	// smsSignature: the sender's name in lenticular brackets opening or
	// closing a text ("【顺丰速运】", "…【中国移动】"), a short code or tag
	// in square brackets or after a hash ("[10086] ", "#HKPost "), or the
	// app a message came through ("[WhatsApp 群組] "); not a chat's own
	// tag with words in it ("[Family group]").
	smsSignature = regexp.MustCompile(`^(?:\S{0,8}【[^】]{1,14}】|\[[^\]\s]{1,12}\]\s*\S|\[(?i:whatsapp|line|wechat|微信|telegram|messenger|signal|imessage|sms|短信|簡訊|简讯)[^\]]{0,10}\]\s*\S|#[A-Za-z][A-Za-z0-9]{1,19}\s)|【[^】]{1,14}】$`)
	// voiceToText: a line the phone wrote down from speech, whoever spoke.
	voiceToText = regexp.MustCompile(`(?i)^\s*[\[【(（]\s*(?:语音转文字|語音轉文字|语音转文本|語音轉文本|语音识别|語音識別|voice[ -]to[ -]text|transcribed)\s*[\]】)）]`)
	// tellsWhatWasSaid: the speaker tells what someone else said or asked.
	tellsWhatWasSaid = regexp.MustCompile(`(?i)有(?:个|個)人|打(?:电话|電話)(?:来|來)?(?:说|說)|(?:他|她|对方|對方)(?:说|說|让我|讓我|叫我)|(?:让|讓|叫)我|\b(?:he|she|they) (?:said|says|told me|wants? me)\b`)
	// mailHeader: the header lines of an e-mail or a message's sender.
	mailHeader = regexp.MustCompile(`(?i)^(?:from|to|subject|date|sent|sender|cc|发件人|收件人|主题|發件人|寄件者|寄件人|主旨|imessage from|sms from|text from|message from)\s*(?:[:：]\s*|\s)\S`)
	// passedOn: a line that opens by saying it is passed on or a notice
	// ("[forwarded]", "转发：", "Police advisory:", "反诈提醒："): a
	// warning shared, not a text received.
	passedOn = regexp.MustCompile(`(?i)^\S{0,4}[\[【(（]?\s*(?:fwd|forwarded|转发|轉發|转自|轉自)|^[【\[][^】\]]{0,10}(?:注意|提醒|警惕|提示|扩散|擴散|必看|公安|警方|警察|反诈|反詐|防骗|防騙|新闻|新聞|日报|日報|晚报|晚報|以案|案例|news|police)[^】\]]{0,6}[】\]]|^[^:：\n]{0,20}(?:advisory|news|warning|alert from police|公告|提醒|提示|新闻|新聞|警示|防骗|防騙|反诈|反詐)\s*[:：\]】)）]`)
	// senderPrefix: a short name and a colon before a long text ("DBS: …").
	senderPrefix = regexp.MustCompile(`^([^:：]{2,24})[:：]\s*(.+)$`)
)

// receivedAlone reports a one-line message that is a text the user got,
// pasted as it came: it opens or closes with an SMS signature, or a
// sender's name and a colon stand before a long text with a link in it
// ("myGov: Your account has been suspended… mygov-au-verify.info"). A
// name and a colon alone do not say it ("News: …", "医保局公告：…" are
// passed on, not received), nor does a link alone ("I got a text saying
// to go to hsbc-secure.com" is the user's own sentence).
func receivedAlone(line string) bool {
	line = strings.TrimSpace(line)
	if passedOn.MatchString(line) {
		return false
	}
	if m := bracketLabel.FindStringSubmatch(line); m != nil && mediaPlaceholders[strings.ToLower(strings.TrimSpace(m[1]))] {
		return false // "[語音] 阿女呀…": a voice note's words, not a text
	}
	if voiceToText.MatchString(line) && tellsWhatWasSaid.MatchString(line) {
		// "[语音转文字] 喂 你帮我看一下 有个人打电话说是人社局的…": the phone
		// wrote down the sender's own voice note, telling what someone
		// said; a call transcribed ("[语音转文字] 这边是银保监会的…") is the
		// caller's.
		return false
	}
	if smsSignature.MatchString(line) {
		return true
	}
	text, ok := senderText(line)
	return ok && len(findLinks(text)) > 0
}

// senderText returns the text after a sender's name and a colon ("DBS: Your
// digibank account…") when the text is long enough to be a message and the
// name is nobody's own label ("我：", "Me:").
func senderText(line string) (string, bool) {
	m := senderPrefix.FindStringSubmatch(line)
	if m == nil || utf8.RuneCountInString(m[2]) < 25 || strings.HasPrefix(m[2], "//") {
		return "", false
	}
	name, ok := labelName(m[1])
	return m[2], ok && !selfLabels[name]
}

// looksReceived reports a line that belongs to a message the user got.
func looksReceived(line string) bool {
	if smsSignature.MatchString(line) || mailHeader.MatchString(line) {
		return true
	}
	if utf8.RuneCountInString(line) >= 15 && len(findLinks(line)) > 0 {
		return true
	}
	_, ok := senderText(line)
	return ok
}

// handOverWords are what a line that hands a message over names: where it
// came from or how it was copied. Written without spaces, as handsOver
// reads the line ("截 图 文 字:" is "截图文字:").
var handOverWords = []string{"poppedup", "pop-up", "popup", "screenshot", "textrecognition", "ocr", "gotthis", "receivedthis", "transcript", "recording", "voicetotext", "录音", "錄音", "通话记录", "记下来", "記下來",
	"thismessage", "thistext", "thisemail", "thise-mail", "截图", "截圖", "短信", "簡訊", "简讯", "收到", "如下", "文字", "内容", "內容", "弹出", "彈出", "跳出",
	"私信", "私聊", "私訊", "发来的", "發來的", "传来的", "傳來的", "发我的", "發我的", "发给我的", "發給我的", "dm", "messagedme", "sentmethis", "wrote", "said:", "says:",
	"voicemail", "invoice", "留言"}

// handsOver reports a first line that introduces what follows it: it ends
// with a colon and names where the text came from ("截 图 文 字:").
func handsOver(line string) bool {
	line = strings.ToLower(strings.Join(strings.Fields(line), ""))
	if !strings.HasSuffix(line, ":") && !strings.HasSuffix(line, "：") {
		return false
	}
	for _, w := range handOverWords {
		if strings.Contains(line, w) {
			return true
		}
	}
	return false
}
