package classifier

import "testing"

// TestAMessageCarriedInAndSetAside: the ninth session's mechanisms for a
// scam message the protected person carried in and says they set aside
// (read on yardstick61's false alarms). Each case but the last failed
// before them; each is the session's own words.
func TestAMessageCarriedInAndSetAside(t *testing.T) {
	c := productionClassifier(t)
	// Deleted or reported as junk closes the story, in Cantonese and English.
	expectLevel(t, c, "a quoted SMS, deleted (Cantonese)", []string{
		"me:「【香港郵政】閣下包裹地址不全未能派送，請於24小時內更新地址並繳付$12.8手續費 https://hkpost-delivery.top」\n今朝收到 我根本冇寄嘢 直接delete咗",
	}, LevelNone, LevelNone)
	expectLevel(t, c, "a quoted text, reported as junk", []string{
		"me:Got this today: 'FINAL NOTICE: unpaid road toll of $6.99. Settle now at paytoll-ezpass.info to avoid a $95 fine.' I don't even drive. Deleted and reported as junk.",
	}, LevelNone, LevelNone)
	// An SMS pasted as it came counts in full, and is still one carried
	// in: the refusal that follows takes it back, as it does a story.
	expectLevel(t, c, "an SMS pasted alone, then deleted", []string{
		"me:【交管12123】您有一条违章记录未处理，逾期将影响年审，请登录 http://jtgl-12123.top 处理",
		"me:刚收到的 我都没有车 直接删了拉黑 转给你们看看",
	}, LevelNone, LevelNone)
	// A named speaker of a pasted family chat who tells of a call they
	// got goes on relaying it in their next line, as the protected person
	// does: the caller's demand is told, and "I hung up" closes it.
	expectLevel(t, c, "a parent's call told line by line in the family chat", []string{
		"me:[09:10] Dad: Just had a call, a recording said 'This is your internet provider, your connection will be cut today, press 1'. I pressed 1",
		"me:[09:11] Dad: the man said 'To fix it I need to get into your computer, please download AnyDesk now'",
		"me:[09:13] Dad: I hung up and rang the provider myself, nothing wrong with the account. Telling you all so nobody falls for it",
	}, LevelNone, LevelNone)
	// "我从来没充过值" says the claim cannot be true; the script is still
	// being played on the teller.
	expectLevel(t, c, "a screenshot's text, 'I never topped up', still asked to share", []string{
		"me:截图文字：\n游戏客服：您的账号被举报未成年充值，需要处理退款，否则影响征信\n处理方式：下载“腾讯会议”，输入会议号 8830 211，开启屏幕共享，工作人员协助退款\n\n我从来没充过值 他让我开屏幕共享",
	}, LevelScam, LevelScam)
	// Forwarded to the spam line, blocked, or "lol. deleted": set aside
	// (read on yardstick66's false alarms).
	expectLevel(t, c, "forwarded to 7726 and blocked", []string{
		"me:\"Evri: we missed you today. Your parcel has a £1.45 redelivery fee. Pay now to rebook: evri-rebook-uk.com\"\n\nForwarded to 7726 and blocked. Wasn't expecting anything anyway.",
	}, LevelNone, LevelNone)
	expectLevel(t, c, "'lol. deleted'", []string{
		"me:\"SunPass: You have an unpaid toll of $4.15. Pay today to avoid a $40 fee: sunpass-tollpay.xyz\"\n\nnever been to florida lol. deleted",
	}, LevelNone, LevelNone)
}
