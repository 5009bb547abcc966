package classifier

import (
	"context"
	"testing"
)

// TestAScriptPassedOnOrToldAsOver: a scam's message quoted inside the
// teller's own words that pass it on to everyone or tell it as over is
// the warning's example, not a script played on them; the same quote with
// the teller asking whether to act is. Each quiet case reached a warning
// before (a single-quoted message swallowed the teller's words after it,
// a quoted "now" counted as the teller's, a teller addressing everyone
// was not a warning), and each asking case must keep its level.
func TestAScriptPassedOnOrToldAsOver(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name  string
		lines []string
		want  Level
	}{
		{"passed on to everyone, single quotes", []string{"me:heads up for anyone with parents on WhatsApp:\n'Mum, I dropped my phone in the loo, this is my new number. Can you pay a bill for me today? Send it to this account: 40-11-22 81234567, I'll pay you back tomorrow 🙏'\nIf your parents get one, tell them to ring the old number first."}, LevelNone},
		{"a text in single quotes, deleted", []string{"me:Got this yesterday: 'Royal Mail: your parcel is on hold due to an unpaid shipping fee of £1.45. Pay within 24 hours at royalmail-redeliver.info or it will be returned.' I wasn't expecting anything, so I deleted it."}, LevelNone},
		{"a call quoted, the caller's 'now', never called back", []string{"me:我爸下午接到个电话，对方说：“叔叔您好，您之前买的理财产品现在统一清退，可以返还本金五万，但要先交三千的手续费到我们的监管账户。”我爸说要问我，对方就再也没打过来了。"}, LevelNone},
		{"the same text, asked whether to pay", []string{"me:Got this today: 'Royal Mail: your parcel is on hold due to an unpaid shipping fee of £1.45. Pay within 24 hours at royalmail-redeliver.info or it will be returned.' should I pay it? I am expecting a parcel"}, LevelScam},
		{"a text quoted, asked whether to pay", []string{"me:最近收到这种短信：「【电力公司】您户电费已欠缴186元，今日18点前未缴将停电，请点击 dianfei-jf.top 缴纳。」我要不要点进去交？"}, LevelScam},
	} {
		expectLevel(t, c, tc.name, tc.lines, tc.want, tc.want)
	}
}

// TestHonestServicesThatNameTheMoves: a bank checking a transfer warns in
// a hypothesis ("如有陌生人要求您转账…请立即停止"), and a delivery code is
// shared only with the courier at the door. Both reached scam before.
func TestHonestServicesThatNameTheMoves(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name  string
		lines []string
	}{
		{"a bank's transfer check", []string{
			"您好，这里是招商银行，您刚才在手机银行给新收款人转账2万元，我们做一个例行核实。如有陌生人要求您转账、共享屏幕或提供验证码，请立即停止操作。",
			"me:是我自己转给我妹妹的，没问题"}},
		{"a delivery code for the courier", []string{
			"Amazon: Your order #112-4455 requires a delivery code. Share this OTP only with your delivery associate when the parcel is in your hands: 731944",
			"me:the driver is here now, ok to give it?"}},
	} {
		expectLevel(t, c, tc.name, tc.lines, LevelNone, LevelNone)
	}
}

// TestSingleQuoteSpan: single quotation marks are told from apostrophes.
func TestSingleQuoteSpan(t *testing.T) {
	for _, tc := range []struct {
		text, want string
	}{
		{"Got this today: 'Medicare: Your rebate is ready'. I haven't claimed anything.", "Medicare: Your rebate is ready"},
		{"I haven't paid and you've not either", ""},
		{"'Grandpa it's me, don't tell mom.' Then a lawyer called.", "Grandpa it's me, don't tell mom."},
	} {
		start, end := singleQuoteSpan(tc.text)
		got := ""
		if start >= 0 {
			got = tc.text[start:end]
		}
		if got != tc.want {
			t.Errorf("%q: %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestAskingAboutTheAftermath: someone who refused and asks what to do
// now ("要不要改密码或者报警？") asks about the aftermath, not whether to
// go on; someone who asks whether to do what the script asks still does.
// The real anti-fraud line asking whether anyone asked for a transfer asks
// a question, it demands nothing. The quiet cases reached a warning before.
func TestAskingAboutTheAftermath(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name  string
		lines []string
		want  Level
	}{
		{"refused, asks about the aftermath", []string{"me:刚才有个自称京东客服的打电话，说我的白条要注销，不然影响征信，让我下载个会议软件开共享屏幕，我觉得不对就挂了。现在要不要改密码或者报警？"}, LevelNone},
		{"the anti-fraud line asks", []string{"您好，这里是96110反诈专线，系统提示您今天接到疑似诈骗电话，请问您有没有被要求转账、下载会议软件或者开启屏幕共享？", "me:没有，我直接挂了"}, LevelNone},
		{"still in it, asks whether to share", []string{"me:刚才有个自称京东客服的打电话，说我的白条要注销，不然影响征信，让我下载个会议软件开共享屏幕，我现在下载好了，要不要开共享？"}, LevelScam},
	} {
		expectLevel(t, c, tc.name, tc.lines, tc.want, tc.want)
	}
}

// TestADissuasionCall: the police's or the bank's call that tells the
// reader not to pay ("千万不要充值") and presses nothing is not a script,
// whatever it names; a script that signs off "they'd think it's a scam"
// keeps its level. The first case reached a warning before.
func TestADissuasionCall(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name  string
		lines []string
		want  Level
	}{
		{"the anti-fraud centre dissuades", []string{
			"您好，这里是区公安分局反诈中心，我们监测到您今天下载了一个叫“金牛优选”的刷单返利App，请问您有没有往里面充值？",
			"me:还没，他们让我先充500做第一单",
			"千万不要充值。刷单返利都是诈骗，先返小钱再骗大钱。请您把App卸载，把对方拉黑，有疑问可以打96110。"}, LevelNone},
		{"a script signs off with 'they'd think it's a scam'", []string{
			"宝贝，昨天说的那个平台，我表哥在里面做风控，知道每晚的规律，你先下载“鼎盛国际”注册，先充5000试试，我手把手教你",
			"别告诉家里人哈，他们不懂，会以为是骗子"}, LevelSuspicious},
	} {
		// The sign-off must not lower the script: a warning at least. Scam
		// or a warning is the word model's call (p 0.94 since the tenth
		// session's refit, 0.95 raises it).
		most := tc.want
		if tc.want == LevelSuspicious {
			most = LevelScam
		}
		expectLevel(t, c, tc.name, tc.lines, tc.want, most)
	}
}

// TestACodeNoticeForwardedMidScript: the bank's own code text ("验证码：
// 381920…任何人索要验证码均为诈骗") forwarded while a caller asks for the
// code is the code the script is after: its warning neither ends the
// story nor answers the question whether to read it out. It was quiet
// before.
func TestACodeNoticeForwardedMidScript(t *testing.T) {
	c := productionClassifier(t)
	v := c.Classify(context.Background(), conv(
		"me:我妈接到电话，说是建行信用卡中心，可以帮她把额度提到八万",
		"me:让她把刚收到的短信验证码报一下",
		"【建设银行】您正在办理快捷支付绑定，验证码：381920，5分钟内有效。任何人索要验证码均为诈骗，切勿泄露。",
		"me:她问我要不要报给对方"))
	if v.Level != LevelScam {
		t.Errorf("%s %.3f (frame %s), want scam", v.Level, v.Score, v.Frame)
	}
}

// TestHonestLookAlikesReadFromYardstick56: a community post forwarded
// ("police said an elderly man in our area gave $9,000 to a 'courier'…
// please talk to your parents") is a report, not a bail demand; a flatmate
// asking for a bill share "like usual" is not a payee change. The first
// reached scam before; the code a stranger sends "to verify you're real"
// still asked about gets the clear no.
func TestHonestLookAlikesReadFromYardstick56(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name  string
		lines []string
		want  Level
	}{
		{"a community post about a bail courier", []string{
			"Saw this in the community group: police said an elderly man in our area gave $9,000 in cash to a 'courier' after a caller pretending to be his grandson asked for bail money. Please talk to your parents about it.",
			"me:thanks, will tell grandpa"}, LevelNone},
		{"a flatmate's bill share", []string{
			"Hi! I've put the gas bill into Splitwise, your half is $61.20. Send it to my account like usual when you can",
			"me:done, cheers"}, LevelNone},
		{"a code 'to verify you're real'", []string{
			"me:Someone answering my car ad wants to verify I'm real by sending a code to my phone. I just got a 6-digit code. Should I send it to him?"}, LevelScam},
	} {
		expectLevel(t, c, tc.name, tc.lines, tc.want, tc.want)
	}
}

// TestShortMessagesReadFromYardstick53: one or two messages, each a
// mechanism the advisories describe: a call "transferred to the mainland
// police" that says not to hang up (唔好收线 is the script's pressure, not a
// hang-up), a power cut for an unpaid bill with a link, a friend's "tell
// me the number" for a code sent to your phone. Each was quiet before.
func TestShortMessagesReadFromYardstick53(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name  string
		lines []string
	}{
		{"told not to hang up", []string{"me:啱啱有個錄音話係稅局，按咗1，個職員話我身份證喺內地開咗戶口洗黑錢，而家轉駁去公安，佢叫我唔好收线，點算？"}},
		{"a power cut for an unpaid bill", []string{"【国家电网】您户欠费156.30元，将于今日18点停电，请点击 dianwang-jf.com 立即缴费。"}},
		{"tell me the number", []string{"我手機壞了，等一下會有一個簡訊認證碼傳到你手機，你幫我收一下，跟我說號碼就好", "me:要給他嗎"}},
	} {
		expectLevel(t, c, tc.name, tc.lines, LevelScam, LevelScam)
	}
}

// TestTheOpeningOfAMedicalInsuranceScript: "如果不是您本人操作，我帮您转接…
// 公安局报案" opens the medical-insurance script: "if it was not you" is a
// condition, not a negation of the transfer to the police that follows.
// It was quiet before; the warning comes at the opening, as a careful
// person's would.
func TestTheOpeningOfAMedicalInsuranceScript(t *testing.T) {
	c := productionClassifier(t)
	v := c.Classify(context.Background(), conv("您好，这里是市医疗保障局，您名下的医保卡在外地有一笔异常消费，涉嫌违规骗保，如果不是您本人操作，我帮您转接当地市公安局报案"))
	if !v.Level.AtLeast(LevelSuspicious) {
		t.Errorf("%s %.3f (frame %s), want a warning", v.Level, v.Score, v.Frame)
	}
}

// TestGivesCode: the cheap test agrees with the expression it guards.
func TestGivesCode(t *testing.T) {
	for _, text := range []string{
		"【建设银行】您正在办理快捷支付绑定，验证码：381920，5分钟内有效。",
		"Your OTP is 482910. Do not share it.",
		"Your Passcode: 7731",
		"请转账5000元到这个账户 6222 0210",
		"your code is on the way",
		"",
	} {
		if got, want := givesCode(text), carriesCode.MatchString(text); got != want {
			t.Errorf("%q: givesCode %v, carriesCode %v", text, got, want)
		}
	}
}
