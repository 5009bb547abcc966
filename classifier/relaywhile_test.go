package classifier

import "testing"

// TestARelayToldWhileItRuns: the ninth session's mechanisms for a helper who
// tells us, over several messages, what a relative is being told while it
// happens. Each case failed before them; each is the session's own words.
func TestARelayToldWhileItRuns(t *testing.T) {
	c := productionClassifier(t)
	// Said to be under way now ("right now", "她说要去汇钱"), what the
	// helper told counts as said, as it does when they ask whether to act:
	// the script is being played, not told.
	expectLevel(t, c, "a tech-support call relayed while it runs", []string{
		"me:Dad's on the phone with someone from 'Microsoft' right now",
		"me:a warning popped up on his PC saying it was infected and to ring a number",
		"me:the man has got him to install AnyDesk and wants him to open his online banking",
	}, LevelScam, LevelScam)
	expectLevel(t, c, "a cure sold by phone, the courier waiting for the money", []string{
		"me:我外婆这一个月天天接一个自称省医院专家的电话，说她的高血压能根治",
		"me:今天寄来了三个疗程的特效药，货到付款4800",
		"me:她说要去汇钱，快递员在楼下等着",
	}, LevelSuspicious, LevelScam)
	// The same relay told as over stays a story.
	expectLevel(t, c, "the tech-support call told as over", []string{
		"me:Last week Dad had a call from someone from 'Microsoft'",
		"me:a warning had popped up on his PC saying it was infected and to ring a number",
		"me:the man got him to install AnyDesk and wanted him to open his online banking, he hung up",
	}, LevelNone, LevelNone)
	// A number that no longer answers ends the story: the money is gone,
	// nothing is under way ("现在" there is the aftermath's).
	expectLevel(t, c, "the caller unreachable now", []string{
		"me:我姑姑上午接了个自称社保中心的电话，说她的医保卡被人盗用了，要她把钱转到一个监管账户，她转了八千，中午才跟我说，现在那个电话打不通了",
	}, LevelNone, LevelSuspicious)
	// "根本没买过奖券" says the prize cannot be real; it is not a refusal
	// ("没买" once closed every story that held it).
	expectLevel(t, c, "a prize for a lottery never entered", []string{
		"me:我婆婆说有人打电话给她说她中了超市周年庆的一等奖，奖金五十万",
		"me:对方说要先交个人所得税两万到指定账户才能领奖",
		"me:我婆婆根本没买过什么奖券，可是她很高兴",
	}, LevelSuspicious, LevelScam)
	// A video call that "breaks up" is the caller hanging up, not the
	// relative refusing; a video call is a contact told of.
	expectLevel(t, c, "a few seconds of video, then the ask", []string{
		"me:我奶奶刚接到我堂哥的微信视频，就三秒钟，说信号不好就挂了",
		"奶奶我在外地出差，朋友急需用钱，我卡被限额了，你先帮我转三万给他，这是他的账户，别跟我爸说",
		"me:奶奶在找她的银行卡",
	}, LevelScam, LevelScam)
	// "they say I need to" reports what the lender demands.
	expectLevel(t, c, "a loan fee in gift cards, asked about", []string{
		"me:i applied for a loan on a website, they approved 5k but say i need to pay $300 insurance in google play cards first before they release it. is that normal",
	}, LevelScam, LevelScam)
	// "must not tell anyone" is the script's secrecy, not a negation of
	// the transfer that follows it.
	expectLevel(t, c, "secrecy before the transfer", []string{
		"me:my aunt got a call from someone saying they're from the consulate, her passport was used to open bank accounts for a crime ring",
		"me:now she's on a video call with an 'officer' who says she must not tell anyone and must transfer her savings for asset verification",
	}, LevelScam, LevelScam)
	// "and now they say…" is the teller's own now: the relayed hard move
	// is being asked of him as we speak.
	expectLevel(t, c, "'and now they say' with gift cards", []string{
		"me:my uncle got a popup saying his laptop was hacked and to call a number, the guy on the line says he's from his bank",
		"me:and now they say the refund went in wrong and he has to send back the difference in walmart gift cards",
	}, LevelScam, LevelScam)
	// A helper who already told their relative not to pay closes the
	// story they ask about.
	expectLevel(t, c, "the helper already said no", []string{
		"me:我舅舅前年被一个养生基地骗了十几万 老板早就跑路了",
		"me:现在有个微信群里的人说能帮他追回来 要先交五千手续费 我叫他不要理 这样对吧",
	}, LevelNone, LevelSuspicious)
	// Gold and cash brought out to be "blessed" against a disaster (the
	// blessing gangs' 祈福党 swap): a hard move, and the relative is
	// fetching them now.
	expectLevel(t, c, "valuables fetched for a blessing", []string{
		"me:我外婆在菜市场被两个女人拦住，说她儿子有血光之灾，要她回家把金饰和现金拿出来做法化解",
		"me:她现在已经回家去拿了",
	}, LevelScam, LevelScam)
}
