package classifier

import (
	"context"
	"math"
	"testing"
)

// TestWhatAPersonTellsUsAlone: the sixth session's mechanisms for a
// person who writes to us alone, with nobody else's turn in the
// conversation. Each case failed before them.
func TestWhatAPersonTellsUsAlone(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name string
		text string
		want Level
	}{
		// Asking whether to act on what they describe relays the script,
		// with no "he said" in it.
		{"asks whether to pay, no reporting words", "家长群里班主任刚换了头像，发了个个人收款码，让每个家长交资料费198，扫完把截图发群里，我要扫吗", LevelScam},
		// A look-alike address in their own words is one they were sent.
		{"a disguised link in their own words", "亲戚群里有人发了个领补贴的链接 butie-shebao.top 说填银行卡就能领，这个能点吗", LevelScam},
		// A short line hands the quote over: the quote is the message.
		{"a quote handed over", "招聘的人私聊我的：“恭喜通过面试，入职前需要交岗前培训费980元，培训完全额退还，今晚前交清”", LevelScam},
		// A text pasted as it came, on one line.
		{"an sms on one line", "【ETC服务】您的ETC卡已失效，请于今日内登录 etc-renzheng.top 重新认证，逾期将停用。", LevelScam},
		// A notice passed on stays a warning.
		{"a notice on one line", "【反诈提醒】近期有人冒充ETC客服发短信称认证失效，诱导点击链接填写银行卡，请勿轻信。", LevelNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := c.Classify(context.Background(), conv("me:"+tc.text))
			if v.Level != tc.want {
				t.Errorf("%s %.3f (frame %s), want %s", v.Level, v.Score, v.Frame, tc.want)
			}
		})
	}
}

// TestAClosedStoryThatAsksWhetherToGoOn: a refusal or a loss closes a
// story ("…不然之前的都拿不回来"), unless the teller, still in it now,
// asks whether to go on: that is a question about a live script.
func TestAClosedStoryThatAsksWhetherToGoOn(t *testing.T) {
	closed := frameCues{closure: true, reporting: true}
	if got := closed.frame(); got != FrameRetold {
		t.Fatalf("a closed story: %s, want retold", got)
	}
	asked := closed
	asked.question, asked.act, asked.ongoing = true, true, true
	if got := asked.frame(); got != FrameQuestion {
		t.Errorf("closed, but asked now whether to go on: %s, want question", got)
	}
	past := asked
	past.ongoing = false
	if got := past.frame(); got != FrameRetold {
		t.Errorf("closed and asked, nothing under way now: %s, want retold", got)
	}
}

// TestFullWidthSignsSplitWordsAsASCIIDoes: the word model reads
// "call2optout＝J5Q" as it reads "call2optout=J5Q".
func TestFullWidthSignsSplitWordsAsASCIIDoes(t *testing.T) {
	c := productionClassifier(t)
	ascii := c.WordFeatures(conv("Call MobileUpd8 on 08000839402 or call2optout=J5Q"))
	wide := c.WordFeatures(conv("Ｃａｌｌ ＭｏｂｉｌｅＵｐｄ８ ｏｎ ０８０００８３９４０２ ｏｒ ｃａｌｌ２ｏｐｔｏｕｔ＝Ｊ５Ｑ"))
	if len(ascii) != len(wide) {
		t.Fatalf("%d features in ASCII, %d in full width", len(ascii), len(wide))
	}
	for h, n := range ascii {
		if wide[h] != n {
			t.Fatalf("feature %x: %v in ASCII, %v in full width", h, n, wide[h])
		}
	}
}

// TestAStoryToldAloneThenAskedAbout: the seventh session's mechanisms for
// a person telling us alone, over several messages, what someone asks of
// them and then asking whether to do it. Each "want" case failed before.
func TestAStoryToldAloneThenAskedAbout(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name  string
		lines []string
		least Level
		most  Level
	}{
		// The story counts in full once they ask, and the word model may
		// open a warning for someone who asks whether to act.
		{"a friend's account asking for a transfer, asked about", []string{
			"me:我同学QQ上找我，说他在外地出差",
			"me:他说银行卡被冻结了，急需转1万给供应商，让我先帮他转到一个账户上，明天还我",
			"me:要不要先帮他转？"}, LevelSuspicious, LevelScam},
		// Chinese typed without punctuation: a space ends the sentence a
		// "不要" was in, so it does not take back the next one.
		{"a space ends a negation's sentence", []string{
			"me:我今天接到个电话 说是我孙子 他打伤了人在派出所 叫我不要告诉他爸妈 现在有个人说是他朋友要上门来拿钱 我要不要取钱"},
			LevelScam, LevelScam},
		// The same story, verified and done: nothing asked, no warning.
		{"a friend's loan verified by a call", []string{
			"me:我同学QQ上找我借钱，说他在外地出差",
			"me:我打他电话确认过了，是他本人，他说下个月还",
			"me:我已经转给他了"}, LevelNone, LevelNone},
	} {
		expectLevel(t, c, tc.name, tc.lines, tc.least, tc.most)
	}
}

// TestNegationScopeInUnpunctuatedChinese: a space between runs of
// characters ends a negation's sentence, but not a space inside a short
// run ("不会要求您 提供验证码" is one sentence), and "要不要" asks, it
// does not negate.
func TestNegationScopeInUnpunctuatedChinese(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		text, signal string
		want         Act
	}{
		{"叫我不要告诉他爸妈 现在有个人要上门来拿钱", "zh_mm_cash_pickup", ActAssert},
		{"我们不会要求您 提供验证码", "zh_mm_verification_code", ActNegated},
		{"他朋友要上门来拿钱 我要不要给", "zh_mm_cash_pickup", ActAssert},
	} {
		v := c.Classify(context.Background(), conv(tc.text))
		found := false
		for _, h := range v.Signals {
			if h.Signal == tc.signal {
				found = true
				if h.Act != tc.want {
					t.Errorf("%q: %s is %s, want %s", tc.text, tc.signal, h.Act, tc.want)
				}
			}
		}
		if !found {
			t.Errorf("%q: %s not matched (%v)", tc.text, tc.signal, v.Signals)
		}
	}
}

// TestDoingItNowAndAskingIfReal: someone in the middle of doing what they
// were told, asking whether it is real, asks whether to go on (it failed
// before: an inquiry alone asks nothing of them).
func TestDoingItNowAndAskingIfReal(t *testing.T) {
	c := productionClassifier(t)
	v := c.Classify(context.Background(), conv("me:有个人打电话说是人社局的 说我的电工证可以领一个技能补贴 让我扫他发的二维码 填银行卡号 还有手机收到的码 我现在在扫 这个是真的吧"))
	if !v.Level.AtLeast(LevelSuspicious) {
		t.Errorf("%s %.3f (frame %s), want a warning", v.Level, v.Score, v.Frame)
	}
}

// TestAHardMoveRelayedWhileItIsDone: a helper relaying a hard move that is
// being done now needs the clear no a question about it gets; the same
// move told in the past is a story. The first case failed before.
func TestAHardMoveRelayedWhileItIsDone(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name  string
		lines []string
		want  Level
	}{
		{"withdrawing for a police courier, now", []string{
			"me:my dad (81) had a call from 'DC Harris, Met Police'",
			"me:they told him staff at his branch are under investigation and he must help catch them by withdrawing £8,000 in cash",
			"me:they said a 'police courier' will come to collect the cash as evidence and it will be returned",
			"me:he's at the branch right now, he texted me from the queue"}, LevelScam},
		{"a screen share stopped last month", []string{
			"me:我上个月被一个说是快递理赔的人骗开了屏幕共享，他让我看银行app的时候我突然觉得不对，马上关了，然后去银行把卡冻结了，幸好钱还在"}, LevelNone},
	} {
		expectLevel(t, c, tc.name, tc.lines, tc.want, tc.want)
	}
}

// TestARecoveryOfferAfterALoss: a loss told as over, then an offer to get
// it back for a fee that the teller is about to take, is a new scam under
// way (recovery), not the retelling it follows; the loss alone is told.
// The first case failed before.
func TestARecoveryOfferAfterALoss(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name, text string
		want       Level
	}{
		{"a recovery firm's fee, about to pay", "After I lost $30k to a fake crypto site, a 'blockchain recovery firm' contacted me on Instagram and says they've traced the funds and can get them back for an upfront fee of $2,500. I'm thinking of paying. Thoughts?", LevelScam},
		{"the loss alone, told", "Last year I lost $30k to a fake crypto site. I reported it to the police and blocked them.", LevelNone},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := c.Classify(context.Background(), conv("me:"+tc.text))
			if v.Level != tc.want {
				t.Errorf("%s %.3f (frame %s), want %s", v.Level, v.Score, v.Frame, tc.want)
			}
		})
	}
}

// TestAHelperRelayingAsItHappens: a helper tells us, over several
// messages, what a relative is being told, with no "he said" after the
// first ("…had a call from…" / "apparently she owes…" / "the only way is
// vouchers…"), or opens by telling of a call and forwards the caller's
// own words. Each relayed message goes on telling the story, and the
// caller's words are what was sent, not an agent the helper reached. The
// scam cases failed before; the honest ones (a real appointment, the real
// support answering a reported call, a bank's real replacement card) stay
// quiet.
func TestAHelperRelayingAsItHappens(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name  string
		lines []string
		least Level
		most  Level
	}{
		{"a relay with no 'he said' after the first message", []string{
			"me:my aunt had a call from someone who says he's from the tax office",
			"me:apparently she owes back taxes from 2019 and there's a warrant ready",
			"me:the only way to stop it is paying today with vouchers from the post office, and she must stay on the line",
			"me:she's at the post office now"}, LevelScam, LevelScam},
		{"a relay in Chinese, the fee paid now", []string{
			"me:我姨妈刚刚接了个电话，对方是什么市场监管局的",
			"me:讲她去年买的保健品有问题，可以退赔三万块",
			"me:不过要先交两千手续费到指定账户才能走流程",
			"me:她已经去银行了"}, LevelScam, LevelScam},
		{"a call told, then the caller's own words", []string{
			"me:我阿嬤剛剛接到一通電話，我在旁邊聽",
			"阿嬤，我是妳孫子啦，我換手機號碼了，妳先存一下",
			"我跟朋友借錢週轉，今天一定要還，妳可以先匯五萬給我朋友嗎？明天就還妳",
			"me:阿嬤準備出門了"}, LevelSuspicious, LevelScam},
		{"a real appointment relayed", []string{
			"me:我外公刚刚接了个电话，说是社区医院的，提醒他明天上午去打流感疫苗，带上医保卡",
			"【社区卫生服务中心】张伯您好，您预约的流感疫苗接种时间为12月8日上午9点，请携带医保卡和身份证到二楼接种室。",
			"me:他问我要不要去"}, LevelNone, LevelNone},
		{"a reported call answered by the real support", []string{
			"me:我妈接到一个电话说她的京东白条要关闭，不关会影响征信",
			"您好，这里是京东客服。京东白条不会因为未关闭影响征信，我们也不会要求您下载任何软件或转账。",
			"刚才的电话是诈骗，请不要理会，如有疑问请拨打官方客服电话。"}, LevelNone, LevelNone},
		{"a bank's real replacement card", []string{
			"me:my mum had a call from her bank this morning about a card payment she didn't recognise",
			"me:they asked her to confirm if she made it and said they'd cancel the card and post a new one",
			"Barclays: We've cancelled your card ending 4471 as requested. Your new card will arrive in 3-5 working days. We'll never ask you for your PIN or to move money.",
			"me:she's at the shops now, can she still use her phone to pay?"}, LevelNone, LevelNone},
	} {
		expectLevel(t, c, tc.name, tc.lines, tc.least, tc.most)
	}
}

// TestACardAndItsPINCollected: a bank card or passbook collected at the
// door, or sealed in an envelope with its PIN written down, is a hard
// move nobody honest asks for. It failed before.
func TestACardAndItsPINCollected(t *testing.T) {
	c := productionClassifier(t)
	v := c.Classify(context.Background(), conv(
		"我们是银联中心的，您的卡被复制了，要换新卡",
		"工作人员半小时后到您家，您把卡放信封里，密码写在纸上一起封好交给他"))
	if v.Level != LevelScam {
		t.Errorf("%s %.3f (frame %s), want scam", v.Level, v.Score, v.Frame)
	}
}

// TestARelayActedOnNow: a helper who has relayed what a relative is told
// and then says the relative is acting on it now ("he's at the bus stop
// going to western union") relays a script being played: not damped as a
// story told to us, and the word model may judge it as it judges someone
// asking. The scam cases were quiet before; the honest relay acted on now
// stays quiet.
func TestARelayActedOnNow(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name  string
		lines []string
		want  Level
	}{
		{"a hospital's fee, money being found now", []string{
			"me:我妈刚接到电话，对方说是市医院急诊科的医生，说我弟骑车被撞了正在抢救，要马上交五万手术押金",
			"me:说我弟昏迷了接不了电话，让我妈先把钱转到医院财务的账户上，户名是个人名字",
			"me:我妈在找存折，我打我弟电话一直没人接"}, LevelScam},
		{"bail collected tonight, keys being found now", []string{
			"me:Grandpa's on the phone right now with someone saying he's my brother Sam, crying, says he crashed a car and got arrested",
			"me:now a 'lawyer' is on and says bail is $8,000 and a courier will come to his house tonight to collect it, and it's under a gag order so he can't tell mum",
			"me:grandpa is looking for his car keys to go to the bank"}, LevelScam},
		{"a surgery's real reminder, acted on now", []string{
			"me:my uncle got a call from his GP surgery about his flu jab",
			"me:they said to book through the NHS app or ring the surgery back",
			"me:he's on his way there now"}, LevelNone},
	} {
		expectLevel(t, c, tc.name, tc.lines, tc.want, tc.want)
	}
}

// TestMovesReadFromHelpersRelays: how the scripts a helper relays move
// the money, in the caller's own words: a sign-in approved on a push the
// caller triggered, a ransom for a relative held abroad, a phone said to
// be infected and an app that wants every permission, cards sealed with
// their PIN for a plain-clothes officer, cash for bail mailed inside a
// magazine. Each was below scam before.
func TestMovesReadFromHelpersRelays(t *testing.T) {
	c := productionClassifier(t)
	for _, tc := range []struct {
		name  string
		lines []string
	}{
		{"approve a push", []string{"This is the CPF Board. There is an error with your payout. You will receive a Singpass notification shortly, please tap Approve to confirm your identity."}},
		{"a ransom", []string{"你儿子在园区欠了公司违约金，想让他回家就先付20万赎身，汇到这个账户，三天内不付就把他卖到别的园区"}},
		{"a phone 'infected', an app with every permission", []string{"您的手机已感染木马病毒，银行卡有被盗刷风险，请立即下载“手机安全卫士”，安装后要给各种权限才能清除病毒"}},
		{"two cards in an envelope with their PIN", []string{"老人家，我们是市公安局的，案子需要您配合，您把两张银行卡放信封里，写上密码，一会儿有个便衣来小区门口取"}},
		{"bail mailed in a magazine", []string{
			"Grandma, it's me, I'm in jail after an accident. The lawyer says bail is $7,000.",
			"Please put the cash between the pages of a magazine and send it overnight to the address he gives you. Don't tell mom."}},
	} {
		expectLevel(t, c, tc.name, tc.lines, LevelScam, LevelScam)
	}
}

// TestTheModelOnARelayToldAlone: a relay told to us alone, with nothing
// placing it in the past, is judged by the word model: as sure as it must
// be anywhere to open a warning (ModelSuspiciousAt), the script is being
// played on someone and reaches scam (suspicious until the ninth
// session); the same relay told in the past, or a story of the teller's
// own, is not judged. It was never judged before the eighth session.
func TestTheModelOnARelayToldAlone(t *testing.T) {
	c := productionClassifier(t)
	relay := modelSureOf(c, true)
	relay.Narrated = true
	expectModelLevel(t, c, "a relay told alone", relay, 1, LevelScam)
	// A story about a relative needs no "he said" (ninth session).
	relative := modelSureOf(c, true)
	relative.AboutRelative = true
	expectModelLevel(t, c, "a story about a relative, told alone", relative, 1, LevelScam)
	past := modelSureOf(c, true)
	past.Narrated, past.ToldPast = true, true
	expectModelLevel(t, c, "a relay told in the past", past, 1, LevelNone)
	expectModelLevel(t, c, "the teller's own story", modelSureOf(c, true), 1, LevelNone)
}

// TestTheModelOnAnAskerWithNoPhrase: someone telling us alone, in words no
// phrase knows, and asking whether to act is judged by the word model
// (ninth session): as sure as it must be anywhere, scam; the same story
// not asked about, or told to its end, is not judged.
func TestTheModelOnAnAskerWithNoPhrase(t *testing.T) {
	c := productionClassifier(t)
	asker := modelSureOf(c, false)
	asker.AskedToAct = true
	expectModelLevel(t, c, "an asker, no phrase", asker, 0, LevelScam)
	expectModelLevel(t, c, "told, not asked", modelSureOf(c, false), 0, LevelNone)
	over := modelSureOf(c, false)
	over.AskedToAct, over.Retold = true, true
	expectModelLevel(t, c, "asked about a story told to its end", over, 0, LevelNone)
	unsure := NewState()
	unsure.AskedToAct, unsure.UserInitiated = true, true
	expectModelLevel(t, c, "an asker the model is not sure of", unsure, 0, LevelNone)
}

// modelSureOf is a conversation the protected person opened, with the
// word model's running sum just above ModelSuspiciousAt and, when
// withPhrase, one live signal.
func modelSureOf(c *Classifier, withPhrase bool) *State {
	s := NewState()
	s.ModelSum = math.Log(ModelSuspiciousAt/(1-ModelSuspiciousAt)) - c.model.Bias + 0.01
	if withPhrase {
		s.Evidence["zh_imp_government"] = 0.3
	}
	s.UserInitiated = true
	return s
}

func expectModelLevel(t *testing.T, c *Classifier, name string, s *State, live int, want Level) {
	t.Helper()
	if got := c.modelLevel(s, LevelNone, live); got != want {
		t.Errorf("%s: %s, want %s", name, got, want)
	}
}

// TestAnAskerInWordsNoPhraseKnows: the whole path of the rule above, from
// Observe (a rescore with no live evidence) to the verdict.
func TestAnAskerInWordsNoPhraseKnows(t *testing.T) {
	c := productionClassifier(t)
	expectLevel(t, c, "sextortion told alone, asked about", []string{
		"me:昨晚跟网上认识的一个女生视频 她让我装了个app说画面更清楚 现在她把录的视频发过来了 还有我通讯录的截图 说不给两万就发给我所有联系人 我先转了三千 她说不够 让我今天再转一万五 转了她真的会删吗",
	}, LevelScam, LevelScam)
}
