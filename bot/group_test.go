package bot_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/go-telegram/bot/models"

	"github.com/scamguard/scamguard/bot/telegramtest"
	"github.com/scamguard/scamguard/classifier"
	"github.com/scamguard/scamguard/review"
	"github.com/scamguard/scamguard/store"
)

// pastedScam is the founding scam as a relative pastes it into the family
// group: four messages, typed (pasted), not forwarded.
var pastedScam = []string{
	foundingScam[0] + foundingScam[1],
	foundingScam[2],
	foundingScam[3],
	foundingScam[4] + foundingScam[5],
}

const groupAdminID = 1000 // telegramtest's group admin

// addBot pushes the bot being added to group and waits for its one
// introduction.
func (h *harness) addBot(group int64) {
	h.t.Helper()
	h.api.Push(telegramtest.MyChatMember(group, telegramtest.User(groupAdminID, "Group Admin"), "left", "member"))
	sent := h.waitSent(group, 1)
	if len(sent) != 1 || !strings.Contains(sent[0].Params["text"], "/settings") {
		h.t.Fatalf("joining got %q, want one introduction", texts(sent))
	}
}

// firstScamIndex is the message of lines at which the classifier first
// says scam when they arrive one by one as the other party's words.
func firstScamIndex(t *testing.T, lines []string) int {
	t.Helper()
	deps, _ := engine()
	state := classifier.NewState()
	for i, line := range lines {
		deps.Classifier.Observe(state, classifier.Message{From: classifier.SpeakerOther, Text: line})
		if deps.Classifier.Verdict(state).Level == classifier.LevelScam {
			return i
		}
	}
	t.Fatal("the script never reaches scam")
	return -1
}

func replyTarget(t *testing.T, call telegramtest.Call) int {
	t.Helper()
	var replyTo models.ReplyParameters
	if err := json.Unmarshal([]byte(call.Params["reply_parameters"]), &replyTo); err != nil {
		t.Fatalf("reply_parameters %q: %v", call.Params["reply_parameters"], err)
	}
	return replyTo.MessageID
}

func TestGroupPastedScamGetsExactlyOneWarningOnTheRightMessage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const group = -5001
	h.addBot(group)
	relative := telegramtest.User(501, "Xiao Li")
	var updates []models.Update
	for _, line := range pastedScam {
		updates = append(updates, telegramtest.GroupText(group, relative, line))
	}
	h.api.Push(updates...)
	// A follow-up chat about it must not repeat the warning.
	h.api.Push(telegramtest.GroupText(group, telegramtest.User(502, "Mum"), "好的，我知道了，谢谢提醒"))
	sent := h.waitSent(group, 2)
	if len(sent) != 2 {
		t.Fatalf("the group got %d messages, want the introduction and one warning: %q", len(sent), texts(sent))
	}
	warning := sent[1]
	if want := updates[firstScamIndex(t, pastedScam)].Message.ID; replyTarget(t, warning) != want {
		t.Errorf("the warning replies to message %d, want %d (the one that made it a scam)", replyTarget(t, warning), want)
	}
	deps, _ := engine()
	contains(t, warning.Params["text"], "tg://user?id=501", "诈骗", deps.Catalog.VerifyIn("taobao", "", "zh", "CN")[0].Value)
	if n := len(warning.Params["text"]); n > 1200 {
		t.Errorf("the group warning is %d bytes; it should be compact", n)
	}
	conv, err := h.store.Load(context.Background(), group)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Window) != len(pastedScam)+1 {
		t.Errorf("the group's conversation holds %d messages, want %d", len(conv.Window), len(pastedScam)+1)
	}
}

func TestGroupBenignChatAndAWarningAboutScamsStayQuiet(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const group = -5002
	h.addBot(group)
	family := []models.User{telegramtest.User(511, "Mum"), telegramtest.User(512, "Dad"), telegramtest.User(513, "Wei")}
	benign := []string{
		"Who is picking up grandma from the station on Sunday?",
		"I can, my train gets in at 3.",
		"周末大家回来吃饭吗？我买了排骨",
		"回来！我带点水果",
		"Don't forget Wei's birthday cake, I ordered it at the bakery.",
		"快递说明天下午送到，放门卫就行",
		"The parcel from Taobao arrived, thanks for ordering it.",
		"我把退货申请提交了，商家同意退款到原账户",
		"Photos from the trip are in the shared album",
		"明天降温，大家多穿点",
		"Beware of fake customer service asking for gift cards — real companies never ask for that.",
	}
	for i, text := range benign {
		h.api.Push(telegramtest.GroupText(group, family[i%len(family)], text))
	}
	// /check answers whatever the level; its answer also proves the
	// messages before it were handled (one chat's updates run in order).
	h.api.Push(telegramtest.GroupText(group, family[0], "/check"))
	sent := h.waitSent(group, 2)
	if len(sent) != 2 {
		t.Fatalf("the group got %q, want only the introduction and the /check answer", texts(sent))
	}
	if got := sent[1].Params["text"]; strings.Contains(got, "scam") || strings.Contains(got, "诈骗</b>") {
		t.Errorf("benign chat was called a scam on /check: %s", got)
	}
}

func TestGroupSettingsOnlyForAdmins(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const group = -5003
	admin, member := telegramtest.User(521, "Admin"), telegramtest.User(522, "Member")
	h.api.SetChatMember(group, admin.ID, "administrator")
	h.api.Push(telegramtest.GroupText(group, member, "/settings"))
	sent := h.waitSent(group, 1)
	contains(t, sent[0].Params["text"], "Only group admins")
	h.api.Push(telegramtest.GroupText(group, admin, "/settings"))
	sent = h.waitSent(group, 2)
	panel := sent[1]
	if !strings.Contains(panel.Params["text"], "Sensitivity") || !slicesContain(callbackData(t, panel), "set:quiet:1") {
		t.Fatalf("the admin got %q with buttons %v, want the settings panel", panel.Params["text"], callbackData(t, panel))
	}
	var posted struct {
		MessageID int `json:"message_id"`
	}
	json.Unmarshal(panel.Result, &posted)

	h.api.Push(telegramtest.Callback(group, member.ID, posted.MessageID, "set:quiet:1"))
	answers := h.api.WaitCalls(t, "answerCallbackQuery", 1, 10*time.Second)
	if !strings.Contains(answers[0].Params["text"], "Only group admins") {
		t.Errorf("a member's press was answered %q", answers[0].Params["text"])
	}
	if s, _ := h.store.Settings(context.Background(), group); s.Quiet {
		t.Fatal("a member changed the settings")
	}
	h.api.Push(telegramtest.Callback(group, admin.ID, posted.MessageID, "set:quiet:1"))
	h.api.Push(telegramtest.Callback(group, admin.ID, posted.MessageID, "set:sens:high"))
	h.api.WaitCalls(t, "answerCallbackQuery", 3, 10*time.Second)
	edits := h.api.WaitCalls(t, "editMessageText", 2, 10*time.Second)
	s, err := h.store.Settings(context.Background(), group)
	if err != nil || !s.Quiet || s.Sensitivity != "high" {
		t.Fatalf("after the admin's presses the settings are %+v (%v)", s, err)
	}
	contains(t, edits[len(edits)-1].Params["text"], "Quiet mode (answer only /check): on", "high")
}

func slicesContain(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestGroupQuietModeAnswersOnlyCheck(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	const group = -5004
	if err := h.store.SaveSettings(context.Background(), group, store.Settings{Quiet: true}); err != nil {
		t.Fatal(err)
	}
	h.start()
	relative := telegramtest.User(531, "Xiao Li")
	var last models.Update
	for _, line := range pastedScam {
		last = telegramtest.GroupText(group, relative, line)
		h.api.Push(last)
	}
	check := telegramtest.GroupText(group, telegramtest.User(532, "Mum"), "/check")
	check.Message.ReplyToMessage = last.Message
	h.api.Push(check)
	sent := h.waitSent(group, 1)
	if len(sent) != 1 {
		t.Fatalf("a quiet group got %q, want only the /check answer", texts(sent))
	}
	contains(t, sent[0].Params["text"], "诈骗", "tg://user?id=532")
	if replyTarget(t, sent[0]) != check.Message.ID {
		t.Errorf("the answer replies to %d, want the /check message %d", replyTarget(t, sent[0]), check.Message.ID)
	}
}

func TestGroupMentionIsAnsweredEvenWhenBenign(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const group = -5007
	h.api.Push(telegramtest.GroupText(group, telegramtest.User(571, "Dad"), "@"+h.api.BotUser().Username+" the courier says my parcel arrives tomorrow, is that fine?"))
	sent := h.waitSent(group, 1)
	if len(sent) != 1 || !strings.Contains(sent[0].Params["text"], "No known scam signs") {
		t.Fatalf("a mention got %q, want the 'no known signs' answer", texts(sent))
	}
}

func TestGroupRemovedBotForgetsTheGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const group = -5005
	h.addBot(group)
	h.api.Push(telegramtest.GroupText(group, telegramtest.User(541, "Mum"), "晚上吃什么？"))
	if err := h.store.SaveSettings(context.Background(), group, store.Settings{Sensitivity: "high"}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the message to be stored", func() bool { return len(h.keys(group)) >= 3 })
	h.api.Push(telegramtest.MyChatMember(group, telegramtest.User(groupAdminID, "Group Admin"), "member", "left"))
	waitFor(t, "the group's keys to go", func() bool { return len(h.keys(group)) == 0 })
}

func TestGroupMigrationKeepsTheConversation(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const group, supergroup = -5006, -1000000005006
	relative := telegramtest.User(551, "Xiao Li")
	// The script is split so that it becomes a scam only after the upgrade.
	split := firstScamIndex(t, pastedScam)
	if split == 0 {
		t.Fatal("the first message alone is a scam; the test needs the level to rise after the upgrade")
	}
	for _, line := range pastedScam[:split] {
		h.api.Push(telegramtest.GroupText(group, relative, line))
	}
	waitFor(t, "the first messages to be stored", func() bool {
		conv, err := h.store.Load(context.Background(), group)
		return err == nil && len(conv.Window) == split
	})
	h.api.Push(telegramtest.Migrate(group, supergroup), telegramtest.MigratedFrom(group, supergroup))
	for _, line := range pastedScam[split:] {
		h.api.Push(telegramtest.GroupText(supergroup, relative, line))
	}
	sent := h.waitSent(supergroup, 1)
	if len(sent) != 1 {
		t.Fatalf("the supergroup got %q, want one warning", texts(sent))
	}
	conv, err := h.store.Load(context.Background(), supergroup)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Window) != len(pastedScam) || !strings.HasPrefix(pastedScam[0], conv.Window[0].Text[:12]) {
		t.Errorf("the supergroup's conversation has %d messages, want the group's %d continued", len(conv.Window), len(pastedScam))
	}
	if keys := h.keys(group); len(keys) != 0 {
		t.Errorf("the old group kept keys %v", keys)
	}
	if n := len(h.sent(group)); n != 0 {
		t.Errorf("the bot wrote %d messages to the old group", n)
	}
}

// waitFor polls cond until it holds, or fails the test after 10s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestGroupWithTheStoreDownWarnsOncePerCooldown(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const group = -5091
	h.addBot(group)
	h.redis.Stop()
	relative := telegramtest.User(591, "Xiao Li")
	for _, line := range append(pastedScam, pastedScam...) {
		h.api.Push(telegramtest.GroupText(group, relative, line))
	}
	sent := h.waitSent(group, 2)
	if len(sent) != 2 {
		t.Fatalf("with Redis down the group got %d messages, want the introduction and one warning: %q", len(sent), texts(sent))
	}
	contains(t, sent[1].Params["text"], "诈骗")
}

func TestGroupWarnsOfAScriptModeratorsConfirmedThroughTheFingerprint(t *testing.T) {
	t.Parallel()
	deps, _ := engine()
	heuristic := deps.Classifier.Classify(context.Background(), classifier.Conversation{Messages: []classifier.Message{
		{From: classifier.SpeakerOther, Text: welfareScript[0]}, {From: classifier.SpeakerOther, Text: welfareScript[1]},
	}})
	if heuristic.Level == classifier.LevelScam {
		t.Fatal("the heuristics alone call the script a scam; the test needs one only a fingerprint makes a scam")
	}
	h := newHarness(t)
	h.enableReview(modChat, moderator)
	// A moderator confirmed the script in someone's private chat.
	ctx := context.Background()
	const private = 8101
	id, err := h.review.Draft(ctx, review.Case{Chat: private, User: private, Transcript: []review.Message{
		{From: "other", Text: welfareScript[0]}, {From: "other", Text: welfareScript[1]},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.review.Submit(ctx, private, id, review.ReasonAskHuman); err != nil {
		t.Fatal(err)
	}
	if _, err := h.review.Decide(ctx, id, review.Decision{By: moderator, Outcome: review.OutcomeScam}); err != nil {
		t.Fatal(err)
	}
	h.start()
	const group = -5101
	relative := telegramtest.User(5101, "Xiao Li")
	for _, line := range welfareScript {
		h.api.Push(telegramtest.GroupText(group, relative, line))
	}
	sent := h.waitSent(group, 1)
	contains(t, sent[0].Params["text"], "很可能是<b>诈骗", "tg://user?id=5101")
	metrics := h.get(t, "/metrics")
	if !strings.Contains(metrics, `scamguard_fingerprint_matches_total{set="scam"}`) {
		t.Error("the group's warning did not come from the fingerprint stage")
	}
}

func TestGroupEditThatMakesTheThreadAScamIsWarned(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const group = -5102
	relative := telegramtest.User(5102, "Xiao Li")
	original := telegramtest.GroupText(group, relative, "您好，您的快递已到驿站，请凭取件码取件。")
	h.api.Push(original)
	waitFor(t, "the message to be stored", func() bool {
		conv, err := h.store.Load(context.Background(), group)
		return err == nil && len(conv.Window) == 1
	})
	h.api.Push(telegramtest.Edited(original, "我是淘宝理赔客服，您的支付宝信用分太低，需要在借呗借款刷流水，再购买礼品卡把卡密发给我验证。"))
	sent := h.waitSent(group, 1)
	if len(sent) != 1 {
		t.Fatalf("the group got %q, want one warning", texts(sent))
	}
	contains(t, sent[0].Params["text"], "很可能是<b>诈骗", "tg://user?id=5102")
	if replyTarget(t, sent[0]) != original.Message.ID {
		t.Errorf("the warning replies to %d, want the edited message %d", replyTarget(t, sent[0]), original.Message.ID)
	}
}

// policeScam is a different scam from the founding one: a "police officer"
// who wants the money moved to a safe account.
const policeScam = "我是上海市公安局的民警，你的身份证涉嫌一起洗钱案，需要把资金转到安全账户接受核查，不要告诉任何人。"

// The cool-down is per scam (type and brand), not per group: within it, a
// second, different scam is warned and reaches the family; more of either
// scam stays quiet.
func TestGroupCooldownIsPerScam(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.start()
	const group, dadID, annID = -5101, 5102, 5103
	ctx := context.Background()
	if err := h.store.SaveGuardianInvite(ctx, "invite5101", store.GuardianInvite{User: dadID, Name: "Dad"}); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := h.store.AcceptGuardianInvite(ctx, "invite5101", store.GuardianLink{ID: annID, Name: "Ann"}); !ok || err != nil {
		t.Fatalf("link Ann as Dad's family: %v %v", ok, err)
	}
	if err := h.store.SaveSettings(ctx, group, store.Settings{Guardians: true}); err != nil {
		t.Fatal(err)
	}
	h.addBot(group)
	dad := telegramtest.User(dadID, "Dad")
	say := func(text string) models.Update {
		upd := telegramtest.GroupText(group, dad, text)
		h.api.Push(upd)
		return upd
	}

	for _, line := range pastedScam {
		say(line)
	}
	if sent := h.waitSent(group, 2); len(sent) != 2 { // the introduction and the warning
		t.Fatalf("the pasted scam got %q, want one warning", texts(sent[1:]))
	}
	if alerts := h.waitSent(annID, 1); len(alerts) != 1 {
		t.Fatalf("Ann got %q, want one alert", texts(alerts))
	}

	// More of the same scam, within the cool-down: nothing.
	say("快点操作，不然理赔款就退不回来了，礼品卡卡密发我")
	say(pastedScam[2])
	if sent := h.settle(group); len(sent) != 2 {
		t.Fatalf("more of the same scam got %q, want no second warning", texts(sent[2:]))
	}

	// A different scam, still within the cool-down: warned, on its message.
	police := say(policeScam)
	sent := h.waitSent(group, 3)
	if len(sent) != 3 {
		t.Fatalf("the group got %d messages, want a warning about the second scam", len(sent))
	}
	if got := replyTarget(t, sent[2]); got != police.Message.ID {
		t.Errorf("the second warning replies to message %d, want %d (the police scam)", got, police.Message.ID)
	}
	contains(t, sent[2].Params["text"], "诈骗", "tg://user?id=5102")
	if alerts := h.waitSent(annID, 2); len(alerts) != 2 {
		t.Errorf("Ann got %d messages, want a second alert for the second scam", len(alerts))
	}

	// The second scam again: quiet in the group and for Ann.
	say("民警再说一遍：马上把资金转到安全账户，不要告诉任何人，否则冻结你的账户。")
	if sent := h.settle(group); len(sent) != 3 {
		t.Errorf("the second scam repeated got %q, want nothing", texts(sent[3:]))
	}
	if alerts := h.settle(annID); len(alerts) != 2 {
		t.Errorf("Ann got %d messages, want no third alert", len(alerts))
	}
	warned, err := h.store.GroupWarnings(ctx, group, time.Hour)
	if err != nil || len(warned) != 2 {
		t.Errorf("the store keeps cool-downs %v (%v), want the two scams", warned, err)
	}
}
