package extract

import "strings"

// subtypeRule names a subtype by cue words. Rules are tried in order, so a
// sentence about a competitor's lower price is a competitor objection, and
// 账期 is a payment-terms matter before it is a price one.
type subtypeRule struct {
	subtype string
	cues    []string
}

var subtypeRules = map[Type][]subtypeRule{
	Objection: {
		{"competitor", []string{"竞品", "友商", "别家", "其他家", "另一家", "其他厂商", "其他供应商", "对比了", "也在谈", "也在接触", "更便宜的", "华为", "阿里", "用友", "金蝶", "SAP", "Oracle", "Salesforce", "销售易", "纷享"}},
		{"terms", []string{"账期", "付款方式", "付款条件", "预付", "尾款", "首付", "分期", "条款", "违约", "发票", "回款", "质保金", "押金", "结算"}},
		{"price", []string{"价格", "报价", "贵", "便宜", "预算", "费用", "折扣", "优惠", "降价", "性价比", "成本", "多少钱", "价钱", "单价"}},
		{"authority", []string{"领导", "老板", "审批", "拍板", "决策", "上面", "集团", "总部", "董事会", "汇报", "说了不算", "做不了主"}},
		{"timing", []string{"时间", "排期", "来不及", "太赶", "明年", "下半年", "年后", "暂缓", "推迟", "不急", "周期", "等等再", "晚点", "过段时间", "节奏"}},
		{"technical", []string{"接口", "兼容", "性能", "稳定", "部署", "私有化", "API", "集成", "架构", "bug", "Bug", "BUG", "故障", "并发", "延迟", "精度", "功能", "对接"}},
		{"risk", []string{"风险", "安全", "合规", "担心", "顾虑", "保障", "出问题", "泄露", "案例", "保证", "靠谱", "不放心"}},
		{"need", []string{"需求", "用不上", "没必要", "必要", "价值", "已经有", "够用", "不需要", "意义"}},
	},
	PainPoint: {
		{"compliance", []string{"合规", "审计", "监管", "等保", "检查", "资质", "医保", "飞检", "处罚", "罚款", "整改"}},
		{"integration", []string{"对接", "接口", "打通", "孤岛", "系统之间", "集成", "导入", "导出", "重复录入", "两套系统", "不互通"}},
		{"staffing", []string{"人手", "招人", "招不到", "人员", "流失", "离职", "培训", "新人", "缺人"}},
		{"quality", []string{"质量", "良率", "不良", "返工", "投诉", "出错", "错误", "差错", "故障", "退货", "漏"}},
		{"visibility", []string{"看不到", "不透明", "不清楚", "说不清", "追踪", "滞后", "报表", "掌握不了", "心里没底", "摸不清", "看不见"}},
		{"cost", []string{"成本", "费用", "花钱", "浪费", "库存", "损耗", "开支", "贵"}},
		{"efficiency", []string{"慢", "效率", "耗时", "手工", "人工", "繁琐", "等待", "加班", "来回"}},
	},
	Commitment: {
		{"payment", []string{"付款", "打款", "回款", "预付", "转账", "支付"}},
		{"fix", []string{"修复", "排查", "补丁", "解决", "处理掉", "修好"}},
		{"meeting", []string{"安排", "会议", "拜访", "演示", "上门", "来一趟", "约", "过来", "现场"}},
		{"approval", []string{"汇报", "审批", "评审", "领导", "内部讨论", "答复", "上会", "签字", "盖章"}},
		{"deliver", []string{"发", "提供", "交付", "报价单", "方案", "资料", "报告", "合同", "样品", "部署", "上线"}},
	},
}

// defaultSubtype is used when no cue matches.
var defaultSubtype = map[Type]string{
	Objection:  "need",
	PainPoint:  "efficiency",
	Commitment: "follow_up",
}

// Subtype names what kind of commitment, objection or pain point text is.
func Subtype(t Type, text string) string {
	for _, rule := range subtypeRules[t] {
		for _, cue := range rule.cues {
			if strings.Contains(text, cue) {
				return rule.subtype
			}
		}
	}
	return defaultSubtype[t]
}
