package bot_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/telegramtest"
)

// The journeys of issue #15, each a golden transcript (transcript_test.go).

// A mainland user starts the bot, says where they live, forwards a scam,
// opens "why / more", says they already did it, asks for a card to warn
// their family, forwards more of the same script, and types that they
// already sent the card codes.
func TestJourneyMainlandScamToAfterLoss(t *testing.T) {
	t.Parallel()
	j := newJourney(t, 15001, "zh-hans")
	j.types("/start", 2) // the introduction and where do you live
	j.press("set:region:CN", 0, 1)
	j.forwards(1, foundingScam...)
	j.press("more:", 0, 1)
	j.press("lost:", 1, 0)
	j.press("share:", 1, 0) // a card to forward to the family
	j.forwards(1, "现在请您下载会议软件，打开屏幕共享，我一步一步指导您操作。")
	j.types("我已经把卡密发给他了，怎么办？", 1)
	j.check("mainland-scam-to-after-loss")
	for _, call := range j.calls() {
		if text := call.Params["text"]; strings.Contains(text, "提醒家人：") {
			for _, private := range []string{"8861", "3307", "羽绒服", "借呗把额度", "当当账号"} {
				if strings.Contains(text, private) {
					t.Errorf("the card for the family carries %q of the conversation:\n%s", private, text)
				}
			}
		}
	}
}

// An English-speaking user whose Telegram says only "en" forwards a scam
// that names no brand of a region: the reply shows no country's lines and
// the bot asks, once, where they live; a greeting gets how to use it. The
// steps after the loss and the card for the family, pressed after they
// chose the UK, give the UK's lines.
func TestJourneyEnglishUnknownRegion(t *testing.T) {
	t.Parallel()
	j := newJourney(t, 15002, "en")
	j.types("hi", 1)
	j.forwards(2, // the reply and where do you live
		"Hello, this is Amazon customer service. Your account was charged $499 for an iPhone.",
		"To cancel the order and get a refund, please buy two Apple gift cards and read me the codes.",
		"Do not hang up and do not tell anyone, or the refund will fail.")
	j.press("set:region:GB", 0, 1)
	j.press("lost:", 1, 0)
	j.press("share:", 1, 0)
	j.check("english-unknown-region")
	// The buttons pressed after the user said where they live follow it:
	// the UK's report lines, not the guess the warning was written for.
	var sent []string
	for _, call := range j.calls() {
		if strings.EqualFold(call.Method, "sendMessage") {
			sent = append(sent, call.Params["text"])
		}
	}
	for _, text := range sent[len(sent)-2:] { // the steps after the loss, the card
		if !strings.Contains(text, "reportfraud.police.uk") && !strings.Contains(text, "0300 123 2040") {
			t.Errorf("a UK user was not given the UK's report line after choosing the UK:\n%s", text)
		}
		for _, us := range []string{"ftc.gov", "ic3.gov"} {
			if strings.Contains(text, us) {
				t.Errorf("a UK user was shown %q after choosing the UK:\n%s", us, text)
			}
		}
	}
}

// A Taiwan user (Telegram zh-TW) forwards a Traditional ATM "instalment"
// scam: the reply is in Taiwan's words, and the guess (usable, not sure)
// is confirmed with buttons in Traditional Chinese; the steps after the
// loss give 165, and the card for the family is in Taiwan's words.
func TestJourneyTaiwanATMScam(t *testing.T) {
	t.Parallel()
	j := newJourney(t, 15003, "zh-tw")
	j.forwards(1,
		"您好，這裡是蝦皮購物客服，您的訂單被誤設為分期付款，每月會自動扣款。",
		"請您現在到ATM操作解除分期，我們會一步一步教您，不要掛電話。")
	j.press("more:", 0, 1)
	j.press("lost:", 1, 0)
	j.press("share:", 1, 0)
	j.check("taiwan-atm-scam")
}

// A Taiwan user (Telegram zh-tw) forwards a Simplified script: the reply
// follows the user's Telegram, in Traditional and Taiwan's words, and so
// does "why / more" (the answer keeps the language it was given in).
func TestJourneyTaiwanReaderForwardsSimplified(t *testing.T) {
	t.Parallel()
	j := newJourney(t, 15008, "zh-tw")
	j.forwards(1, foundingScam...)
	j.press("more:", 0, 1)
	j.check("taiwan-reader-simplified-scam")
	for _, call := range j.calls() {
		if text := call.Params["text"]; strings.Contains(text, "诈骗") || strings.Contains(text, "核实") {
			t.Errorf("a Traditional reader got Simplified:\n%s", text)
		}
	}
}

// A Hong Kong user (Telegram zh-hk) starts the bot, says they live in
// Hong Kong, and forwards a Cantonese "parcel with contraband, move your
// money to a safe account" call: the reply is in Traditional Chinese in
// Hong Kong's words, shows only Hong Kong's line (防騙易熱線 18222, the one
// Hong Kong number in the catalogue; nothing of the mainland), and so do
// "why / more", the steps after the loss, and a loss typed in Cantonese.
func TestJourneyHongKongSafeAccount(t *testing.T) {
	t.Parallel()
	j := newJourney(t, 15005, "zh-hk")
	j.types("/start", 2) // the introduction and where do you live
	j.press("set:region:HK", 0, 1)
	j.forwards(1,
		"你好，我係速遞公司客服，你嘅包裹入面有違禁品，已經轉咗去內地公安處理。",
		"而家要你配合調查，將戶口啲錢轉去安全賬戶核查，唔好同屋企人講。")
	j.press("more:", 0, 1)
	j.press("lost:", 1, 0)
	j.press("share:", 1, 0)
	j.types("我已經轉咗錢俾佢，點算好？", 1)
	j.check("hong-kong-safe-account")
	for _, call := range j.calls() {
		text := call.Params["text"]
		for _, mainland := range []string{"96110", "110", "95588", "95533", "工商", "建设", "建設", "淘宝", "淘寶", "12381"} {
			if strings.Contains(text, mainland) {
				t.Errorf("a Hong Kong user was shown %q:\n%s", mainland, text)
			}
		}
	}
}

// "你好" gets how to use the bot; a question about a script gets the
// scam's name and a clear answer, not "no signs" — in each language.
func TestJourneyGreetingAndQuestion(t *testing.T) {
	t.Parallel()
	type said struct {
		text  string
		sends int
	}
	for _, tc := range []struct {
		name, lang string
		chat       int64
		steps      []said
		noSigns    string
	}{
		{"greeting-and-question", "zh-hans", 15004, []said{
			{"你好", 1},
			{"客服说我的快递丢了要双倍赔偿，让我先开通借呗，我要不要照做？", 1}}, "没有发现已知的诈骗迹象"},
		{"greeting-and-question-zh-hant", "zh-tw", 15006, []said{
			{"你好", 1},
			{"有人打電話說我的快遞丟了要賠我雙倍的錢，是真的嗎？", 1},
			{"客服說要我先到ATM操作解除分期付款，我要不要照做？", 2}}, "沒有發現已知的詐騙跡象"},
		{"greeting-and-question-en", "en", 15007, []said{
			{"hi", 1},
			{"The agent says I should buy Apple gift cards and read him the codes to get my refund. Should I do it?", 2}}, "No known scam signs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := newJourney(t, tc.chat, tc.lang)
			for _, step := range tc.steps {
				j.types(step.text, step.sends)
			}
			j.check(tc.name)
			for _, call := range j.calls() {
				if text := call.Params["text"]; strings.Contains(text, tc.noSigns) {
					t.Errorf("a greeting or question was answered %q:\n%s", tc.noSigns, text)
				}
			}
		})
	}
}

// A family group, mainland, Taiwan and Hong Kong: a pasted scam is warned
// once, with the region's anti-fraud line written once (not "96110
// 96110"), in the group's script and, for Traditional, in Taiwan's or Hong
// Kong's words (戶口, 執法人員; only 18222, nothing of the mainland).
func TestJourneyGroupWarning(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, lang string
		chat       int64
		lines      []string
	}{
		{"group-warning-zh", "zh-hans", -1001500000001, foundingScam},
		{"group-warning-zh-hant", "zh-tw", -1001500000002, []string{
			"您好，這裡是蝦皮購物客服，您的訂單被誤設為分期付款，每月會自動扣款。",
			"請您現在到ATM操作解除分期，我們會一步一步教您，不要掛電話。"}},
		{"group-warning-zh-hk", "zh-hk", -1001500000005, []string{
			"你好，我係速遞公司客服，你嘅包裹入面有違禁品，已經轉咗去內地公安處理。",
			"而家要你配合調查，將戶口啲錢轉去安全賬戶核查，唔好同屋企人講。"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := newJourney(t, tc.chat, tc.lang)
			dad := telegramtest.User(601, "Dad")
			for i, line := range tc.lines {
				sends := 0
				if i == len(tc.lines)-1 {
					sends = 1
				}
				j.groupSays(dad, line, sends)
			}
			j.check(tc.name)
		})
	}
}

// A family group hears a second, different scam within the cool-down of
// the first: each is warned once, on its own message; more of the first
// (a step of its script read alone) is not.
func TestJourneyGroupSecondScam(t *testing.T) {
	t.Parallel()
	j := newJourney(t, -1001500000003, "zh-hans")
	dad := telegramtest.User(602, "Dad")
	for i, line := range pastedScam {
		sends := 0
		if i == firstScamIndex(t, pastedScam) {
			sends = 1
		}
		j.groupSays(dad, line, sends)
	}
	j.groupSays(dad, policeScam, 1)
	j.check("group-second-scam")
	if sent := j.h.settle(j.chat); len(sent) != 2 {
		t.Errorf("the group got %d messages, want the two warnings", len(sent))
	}
}

// /check sent as a reply checks that message, not the thread, and says so:
// Dad's "我七点左右到家" in a thread about a scam is not a scam; the scam
// message itself is.
func TestJourneyGroupCheckReply(t *testing.T) {
	t.Parallel()
	j := newJourney(t, -1001500000004, "zh-hans")
	dad, mum := telegramtest.User(603, "Dad"), telegramtest.User(604, "Mum")
	var scam *models.Message
	for i, line := range pastedScam {
		sends := 0
		if i == firstScamIndex(t, pastedScam) {
			sends = 1
		}
		if m := j.groupSays(dad, line, sends); scam == nil {
			scam = m
		}
	}
	home := j.groupSays(dad, "我七点左右到家", 0)
	j.groupReplies(mum, "/check", home, 1)
	j.groupReplies(mum, "/check", scam, 1)
	j.check("group-check-reply")
	calls := j.h.api.Calls("sendMessage")
	sent := func(i int) string { return calls[len(calls)-2+i].Params["text"] }
	contains(t, sent(0), "我只看了你回复的那条消息")
	if strings.Contains(sent(0), "诈骗</b>") {
		t.Errorf("/check on %q called it a scam:\n%s", home.Text, sent(0))
	}
	contains(t, sent(1), "诈骗", "淘宝", "我只看了你回复的那条消息")
}

// Relatives ask the bot in the family group, mentioning it: a question
// about a script they were told names the scam and what comes next (not
// "no known signs"), "should I do it?" is answered no, and "你好" gets how
// the bot works in a group — in Simplified Chinese on the mainland and in
// Hong Kong's words and line in Hong Kong.
func TestJourneyGroupRelativesAsk(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, lang string
		chat       int64
		asks       []string
		noSigns    string
	}{
		{"group-relatives-ask-zh", "zh-hans", -1001500000006, []string{
			"@scamguard_test_bot 有人打电话说我的快递丢了要赔我双倍的钱，是真的吗？",
			"@scamguard_test_bot 你好",
			"@scamguard_test_bot 客服说要我先开通借呗刷流水，我要不要照做？"}, "没有发现已知的诈骗迹象"},
		{"group-relatives-ask-zh-hk", "zh-hk", -1001500000007, []string{
			"@scamguard_test_bot 有人打電話話我嘅速遞唔見咗，要賠雙倍俾我，係咪真㗎？",
			"@scamguard_test_bot 你好"}, "沒有發現已知的詐騙跡象"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := newJourney(t, tc.chat, tc.lang)
			mum := telegramtest.User(605, "Mum")
			for _, ask := range tc.asks {
				j.groupSays(mum, ask, 1)
			}
			j.check(tc.name)
			for _, call := range j.calls() {
				if text := call.Params["text"]; strings.Contains(text, tc.noSigns) {
					t.Errorf("a relative's question was answered %q:\n%s", tc.noSigns, text)
				}
			}
		})
	}
}

// newReviewedJourney is newJourney with a moderators' group (modChat, one
// moderator) whose language is modLang.
func newReviewedJourney(t *testing.T, chat int64, lang, modLang string) *journey {
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.modLang = modLang
	h.start()
	return &journey{t: t, h: h, chat: chat, lang: lang, want: map[string]int{}, pressedAt: map[string]time.Time{}}
}

// pressEnding presses the latest button of the user's whose data ends with
// suffix (a case's buttons share their prefix).
func (j *journey) pressEnding(suffix string, sends, edits int) {
	j.t.Helper()
	calls := j.calls()
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].Params["chat_id"] != fmt.Sprint(j.chat) {
			continue
		}
		for _, b := range buttonsOf(calls[i]) {
			if strings.HasSuffix(b.CallbackData, suffix) {
				j.press(b.CallbackData, sends, edits)
				return
			}
		}
	}
	j.t.Fatalf("no button ending %q in the transcript so far:\n%s", suffix, j.transcript())
}

// moderatorPresses has the moderator press the button whose data starts
// with prefix on the latest card in the moderators' chat, then waits for
// sends new messages and edits edits.
func (j *journey) moderatorPresses(prefix string, sends, edits int) {
	j.t.Helper()
	calls := j.calls()
	for i := len(calls) - 1; i >= 0; i-- {
		if calls[i].Params["chat_id"] != fmt.Sprint(int64(modChat)) {
			continue
		}
		for _, b := range buttonsOf(calls[i]) {
			if strings.HasPrefix(b.CallbackData, prefix) {
				j.note("moderator presses on the card: %s", b.Text)
				upd := telegramtest.Callback(modChat, moderator, messageOf(calls[i]), b.CallbackData)
				j.pressedAt[upd.CallbackQuery.ID] = j.inputs[len(j.inputs)-1].at
				j.h.api.Push(upd)
				j.wait("answerCallbackQuery", 1)
				j.wait("sendMessage", sends)
				j.wait("editMessageText", edits)
				return
			}
		}
	}
	j.t.Fatalf("no card button %q in the transcript so far:\n%s", prefix, j.transcript())
}

// "Ask a human": the user is told when to expect an answer; the moderators
// get a card in their language, with human names and the reply the user
// read; the moderator's decision edits the card and always reaches the
// user; /forget edits the card to "deleted by the user", with no
// transcript and no buttons.
func TestJourneyAskAHuman(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, lang, modLang string
		chat                int64
		decision            string
		scam                []string
	}{
		{"ask-a-human-zh", "zh-hans", "zh", 15010, "mv:s:", foundingScam},
		{"ask-a-human-en", "en-gb", "en", 15011, "mv:l:", []string{
			"Hello, this is Amazon customer service. Your account was charged £499 for an iPhone.",
			"To cancel the order and get a refund, please buy two Apple gift cards and read me the codes."}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j := newReviewedJourney(t, tc.chat, tc.lang, tc.modLang)
			j.forwards(1, tc.scam...)
			j.pressEnding(":human", 1, 0) // the card in the moderators' chat
			j.moderatorPresses(tc.decision, 1, 1)
			j.types("/forget", 1)
			j.wait("editMessageText", 1)
			j.check(tc.name)
			last := j.h.api.Calls("editMessageText")
			deleted := last[len(last)-1].Params
			if deleted["chat_id"] != fmt.Sprint(int64(modChat)) || deleted["reply_markup"] != "" && strings.Contains(deleted["reply_markup"], "mv:") {
				t.Errorf("/forget left the card with its buttons: %v", deleted)
			}
			for _, private := range []string{"8861", "3307", "£499"} {
				if strings.Contains(deleted["text"], private) {
					t.Errorf("the card after /forget still shows %q:\n%s", private, deleted["text"])
				}
			}
		})
	}
}

// A Taiwan user asks about an ATM "instalment" call: the warning is written
// for the guessed region (Taiwan, 165) and asks where they live. They
// answer "Somewhere else": "why / more" and "I already did it" under that
// warning then show no region's lines (the brand's channel and advice that
// holds anywhere), not the guess.
func TestJourneySomewhereElse(t *testing.T) {
	t.Parallel()
	j := newJourney(t, 15105, "zh-tw")
	j.types("客服說要我先到ATM操作解除分期付款，我要不要照做？", 2) // the warning and where do you live
	j.press("set:region:auto", 0, 1)
	j.press("more:", 0, 1)
	j.press("lost:", 1, 0)
	j.check("somewhere-else-zh-hant")
	// What the presses after the answer sent: every text after the
	// region question's edit.
	answered := false
	for _, call := range j.calls() {
		switch {
		case strings.EqualFold(call.Method, "answerCallbackQuery"):
		case !answered:
			answered = strings.EqualFold(call.Method, "editMessageText")
		case strings.Contains(call.Params["text"], "165"):
			t.Errorf("a user who said they live somewhere else was shown Taiwan's 165:\n%s", call.Params["text"])
		}
	}
}
