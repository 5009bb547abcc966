package bot_test

import (
	"strings"
	"testing"
	"time"

	"github.com/scamguard/scamguard/bot/telegramtest"
)

// internalCodes are what a case stores and a moderator must never read on
// a card or its buttons: slugs, signal ids, reason and role codes.
var internalCodes = []string{"ecommerce_logistics_refund", "ask_human", "flagged_consented", "money_move", "impersonation", "zh_", "score ", "Signals:"}

// noCodes fails when text shows an internal code.
func noCodes(t *testing.T, what, text string) {
	t.Helper()
	for _, code := range internalCodes {
		if strings.Contains(text, code) {
			t.Errorf("%s shows %q:\n%s", what, code, text)
		}
	}
}

// TestModeratorsWorkInTheirLanguage: in a moderators' group set to
// Chinese, a case's card, its buttons and the type choices are in Chinese,
// with human names and no codes; the card edited after a decision says it
// in Chinese while the moderator who pressed (Telegram in English) is
// answered in English; in a moderator's own chat, /queue, /stats and
// /console follow their Telegram language.
func TestModeratorsWorkInTheirLanguage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	h.modLang = "zh"
	h.start()
	id, card := h.queueCase(t, 8201)
	cards := h.sent(modChat)
	text := cards[len(cards)-1].Params["text"]
	contains(t, text, "机器人判断：诈骗", "类型：冒充电商物流客服", "送审原因：用户请求人工", "回复语言：简体中文", "依据：“", "（冒充身份）", "<b>对方：</b>")
	noCodes(t, "the card", text)
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "用户看到的回复：") && (strings.Contains(line, "&lt;") || strings.Contains(line, "<b>") || !strings.Contains(line, "诈骗")) {
			t.Errorf("the card's reply preview is not the reply as read: %q", line)
		}
	}
	contains(t, text, "用户看到的回复：")
	buttons := cards[len(cards)-1].Params["reply_markup"]
	contains(t, buttons, "✅ 确认是诈骗", "❌ 不是诈骗", "🏷 改类型", "⏭ 跳过")

	h.press(t, card, "mv:t:"+id)
	markups := h.api.WaitCalls(t, "editMessageReplyMarkup", 1, 10*time.Second)
	choices := markups[0].Params["reply_markup"]
	contains(t, choices, "冒充银行/反诈部门", "↩ 返回")
	for _, label := range buttonLabels(t, markups[0]) {
		noCodes(t, "a type button", label)
		if strings.Contains(label, "_") {
			t.Errorf("type button %q is a slug", label)
		}
	}

	if got := h.press(t, card, "mv:s:"+id); got != "Decision stored" {
		t.Errorf("the English-speaking moderator's press was answered %q", got)
	}
	edits := h.api.WaitCalls(t, "editMessageText", 1, 10*time.Second)
	contains(t, edits[0].Params["text"], "处理结果：确认是诈骗 — 冒充电商物流客服", "审核员 "+itoa(moderator))
	noCodes(t, "the decided card", edits[0].Params["text"])

	mod := telegramtest.Text(moderator, moderator, "/stats")
	mod.Message.From.LanguageCode = "zh-hans"
	h.api.Push(mod)
	stats := h.waitSent(moderator, 1)
	contains(t, stats[0].Params["text"], "审核统计", "确认诈骗 1", "冒充电商物流客服（退款/理赔）：1")
	noCodes(t, "/stats", stats[0].Params["text"])
	queue := telegramtest.Text(moderator, moderator, "/queue")
	h.api.Push(queue)
	contains(t, h.waitSent(moderator, 2)[1].Params["text"], "The queue is empty.")
	console := telegramtest.Text(moderator, moderator, "/console")
	console.Message.From.LanguageCode = "zh-hans"
	h.api.Push(console)
	contains(t, h.waitSent(moderator, 3)[2].Params["text"], "一次性登录链接", "&amp;lang=zh")
}

// buttonLabels are the texts of a call's inline buttons.
func buttonLabels(t *testing.T, call telegramtest.Call) []string {
	t.Helper()
	var labels []string
	for _, b := range buttonsOf(call) {
		labels = append(labels, b.Text)
	}
	return labels
}
