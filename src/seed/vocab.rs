//! Word lists for realistic demo companies and people. The trade-name characters, city
//! names and industry words are ordinary Chinese vocabulary with their Hanyu Pinyin.

pub struct Region {
    pub zh: &'static str,
    pub en: &'static str,
    /// The sales region (大区) a team covers.
    pub area: &'static str,
    /// The administrative division code used in credit codes.
    pub code: &'static str,
    /// Telephone area code without the leading 0.
    pub area_code: &'static str,
}

pub const REGIONS: &[Region] = &[
    Region { zh: "上海", en: "Shanghai", area: "华东", code: "310000", area_code: "21" },
    Region { zh: "杭州", en: "Hangzhou", area: "华东", code: "330100", area_code: "571" },
    Region { zh: "苏州", en: "Suzhou", area: "华东", code: "320500", area_code: "512" },
    Region { zh: "南京", en: "Nanjing", area: "华东", code: "320100", area_code: "25" },
    Region { zh: "合肥", en: "Hefei", area: "华东", code: "340100", area_code: "551" },
    Region { zh: "青岛", en: "Qingdao", area: "华东", code: "370200", area_code: "532" },
    Region { zh: "深圳", en: "Shenzhen", area: "华南", code: "440300", area_code: "755" },
    Region { zh: "广州", en: "Guangzhou", area: "华南", code: "440100", area_code: "20" },
    Region { zh: "厦门", en: "Xiamen", area: "华南", code: "350200", area_code: "592" },
    Region { zh: "北京", en: "Beijing", area: "华北", code: "110000", area_code: "10" },
    Region { zh: "天津", en: "Tianjin", area: "华北", code: "120000", area_code: "22" },
    Region { zh: "成都", en: "Chengdu", area: "西南", code: "510100", area_code: "28" },
    Region { zh: "重庆", en: "Chongqing", area: "西南", code: "500000", area_code: "23" },
    Region { zh: "武汉", en: "Wuhan", area: "华中", code: "420100", area_code: "27" },
    Region { zh: "长沙", en: "Changsha", area: "华中", code: "430100", area_code: "731" },
    Region { zh: "西安", en: "Xi'an", area: "华中", code: "610100", area_code: "29" },
];

/// Characters that make up trade names (字号), with pinyin.
pub const TRADE_CHARS: &[(&str, &str)] = &[
    ("恒", "Heng"), ("信", "Xin"), ("华", "Hua"), ("泰", "Tai"), ("金", "Jin"), ("桥", "Qiao"), ("远", "Yuan"),
    ("景", "Jing"), ("东", "Dong"), ("方", "Fang"), ("中", "Zhong"), ("科", "Ke"), ("天", "Tian"), ("润", "Run"),
    ("博", "Bo"), ("海", "Hai"), ("纳", "Na"), ("瑞", "Rui"), ("丰", "Feng"), ("鼎", "Ding"), ("盛", "Sheng"),
    ("新", "Xin"), ("锐", "Rui"), ("宏", "Hong"), ("达", "Da"), ("嘉", "Jia"), ("禾", "He"), ("联", "Lian"),
    ("创", "Chuang"), ("安", "An"), ("正", "Zheng"), ("泽", "Ze"), ("明", "Ming"), ("辉", "Hui"), ("永", "Yong"),
    ("长", "Chang"), ("城", "Cheng"), ("星", "Xing"), ("河", "He"), ("蓝", "Lan"), ("云", "Yun"), ("帆", "Fan"),
    ("智", "Zhi"), ("腾", "Teng"), ("万", "Wan"), ("通", "Tong"), ("汇", "Hui"), ("鑫", "Xin"), ("隆", "Long"),
    ("德", "De"), ("佳", "Jia"), ("美", "Mei"), ("宇", "Yu"), ("航", "Hang"), ("晨", "Chen"), ("光", "Guang"),
    ("卓", "Zhuo"), ("越", "Yue"), ("兴", "Xing"), ("盈", "Ying"), ("启", "Qi"), ("源", "Yuan"), ("和", "He"),
    ("立", "Li"), ("威", "Wei"), ("迅", "Xun"), ("易", "Yi"), ("优", "You"), ("康", "Kang"), ("百", "Bai"),
];

/// Traditional forms of some trade-name characters, for near-duplicates typed on a
/// traditional-Chinese IME (華 for 华).
pub const TRADITIONAL: &[(&str, &str)] = &[
    ("华", "華"), ("东", "東"), ("达", "達"), ("丰", "豐"), ("远", "遠"), ("长", "長"), ("汇", "匯"), ("兴", "興"),
    ("云", "雲"), ("联", "聯"), ("创", "創"), ("辉", "輝"), ("腾", "騰"), ("万", "萬"), ("桥", "橋"),
];

pub struct Industry {
    pub zh: &'static str,
    pub en: &'static str,
    /// The industry a pool is organised by.
    pub sector: &'static str,
    pub domain_hint: &'static str,
}

pub const INDUSTRIES: &[Industry] = &[
    Industry { zh: "科技", en: "Technology", sector: "IT", domain_hint: "tech" },
    Industry { zh: "信息技术", en: "Information Technology", sector: "IT", domain_hint: "it" },
    Industry { zh: "软件", en: "Software", sector: "IT", domain_hint: "soft" },
    Industry { zh: "网络科技", en: "Network Technology", sector: "互联网", domain_hint: "net" },
    Industry { zh: "电子商务", en: "E-Commerce", sector: "互联网", domain_hint: "ec" },
    Industry { zh: "精密机械", en: "Precision Machinery", sector: "制造业", domain_hint: "jx" },
    Industry { zh: "机电设备", en: "Electromechanical Equipment", sector: "制造业", domain_hint: "jd" },
    Industry { zh: "汽车零部件", en: "Auto Parts", sector: "制造业", domain_hint: "auto" },
    Industry { zh: "新材料", en: "New Materials", sector: "制造业", domain_hint: "cl" },
    Industry { zh: "电气", en: "Electric", sector: "制造业", domain_hint: "dq" },
    Industry { zh: "医疗器械", en: "Medical Devices", sector: "医疗", domain_hint: "med" },
    Industry { zh: "生物医药", en: "Biopharma", sector: "医疗", domain_hint: "bio" },
    Industry { zh: "物流", en: "Logistics", sector: "物流", domain_hint: "wl" },
    Industry { zh: "供应链管理", en: "Supply Chain Management", sector: "物流", domain_hint: "scm" },
    Industry { zh: "国际贸易", en: "International Trading", sector: "贸易", domain_hint: "trade" },
    Industry { zh: "投资管理", en: "Investment Management", sector: "金融", domain_hint: "invest" },
    Industry { zh: "融资租赁", en: "Financial Leasing", sector: "金融", domain_hint: "lease" },
    Industry { zh: "保险代理", en: "Insurance Agency", sector: "金融", domain_hint: "ins" },
    Industry { zh: "建筑工程", en: "Construction Engineering", sector: "建筑", domain_hint: "jz" },
    Industry { zh: "餐饮管理", en: "Catering Management", sector: "消费", domain_hint: "food" },
    Industry { zh: "教育科技", en: "Education Technology", sector: "教育", domain_hint: "edu" },
    Industry { zh: "文化传媒", en: "Culture Media", sector: "传媒", domain_hint: "media" },
    Industry { zh: "新能源", en: "New Energy", sector: "能源", domain_hint: "energy" },
    Industry { zh: "环保科技", en: "Environmental Technology", sector: "能源", domain_hint: "env" },
];

/// Legal forms (组织形式) with their usual English rendering, most common first.
pub const LEGAL_FORMS: &[(&str, &str)] = &[
    ("有限公司", "Co., Ltd."),
    ("有限公司", "Co., Ltd."),
    ("有限公司", "Co., Ltd."),
    ("股份有限公司", "Corporation Limited"),
    ("有限责任公司", "Co., Ltd."),
];

pub const SURNAMES: &[(&str, &str)] = &[
    ("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"),
    ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"),
    ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("高", "gao"), ("林", "lin"), ("罗", "luo"),
];

pub const GIVEN_NAMES: &[(&str, &str)] = &[
    ("芳", "fang"), ("伟", "wei"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"),
    ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"),
    ("涛", "tao"), ("明", "ming"), ("超", "chao"), ("秀英", "xiuying"), ("霞", "xia"), ("平", "ping"),
    ("刚", "gang"), ("桂英", "guiying"), ("浩", "hao"), ("婷", "ting"), ("建华", "jianhua"), ("晓东", "xiaodong"),
];

/// Contact titles by seniority level (0 = top) with their department.
pub const TITLES: &[(u8, &str, &str)] = &[
    (0, "总经理", "总经办"),
    (1, "副总经理", "总经办"),
    (1, "采购总监", "采购部"),
    (1, "IT总监", "信息技术部"),
    (1, "财务总监", "财务部"),
    (1, "运营总监", "运营部"),
    (2, "采购经理", "采购部"),
    (2, "IT经理", "信息技术部"),
    (2, "财务经理", "财务部"),
    (2, "运营经理", "运营部"),
    (3, "采购专员", "采购部"),
    (3, "系统工程师", "信息技术部"),
    (3, "会计", "财务部"),
    (3, "行政主管", "运营部"),
];

pub const LEAD_SOURCES: &[&str] = &["官网表单", "展会", "电话营销", "渠道推荐", "搜索推广", "老客户转介绍", "线上研讨会"];
pub const PRODUCT_LINES: &[&str] = &["云平台", "数据分析", "网络安全", "维保服务"];
pub const FREE_MAIL: &[&str] = &["qq.com", "163.com", "126.com", "gmail.com", "outlook.com"];
pub const OPPORTUNITY_TOPICS: &[&str] = &[
    "ERP 升级项目", "CRM 采购", "年度维保合同", "数据中台建设", "私有云扩容", "安全等保整改", "BI 报表平台",
    "门店系统替换", "Data platform renewal", "Cloud migration",
];
pub const PARTNERS: &[&str] = &["上海云启信息技术有限公司", "深圳数联科技有限公司", "北京博思智达咨询有限公司"];
/// Shared numbers (switchboards, agents): a phone match alone must not decide a duplicate.
pub const SHARED_PHONES: &[&str] = &["400-820-8820", "400-600-1234", "021-6888 0000"];
