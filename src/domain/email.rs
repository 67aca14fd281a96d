//! E-mail addresses: the company domain is a duplicate signal; free-mail domains never are.

/// Consumer mail providers common in China and abroad: a shared domain says nothing.
pub const FREE_MAIL_DOMAINS: &[&str] = &[
    "qq.com",
    "foxmail.com",
    "163.com",
    "126.com",
    "yeah.net",
    "sina.com",
    "sina.cn",
    "sohu.com",
    "139.com",
    "189.cn",
    "aliyun.com",
    "gmail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "protonmail.com",
    "msn.com",
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EmailProblem {
    NoAt,
    EmptyLocalPart,
    BadDomain,
}

/// The lower-cased domain of an address (`Wang.Fang@Hengxin-JX.com.cn ` → `hengxin-jx.com.cn`).
pub fn domain_of(address: &str) -> Result<String, EmailProblem> {
    let trimmed = address.trim().trim_matches(|c| c == '<' || c == '>');
    let (local, domain) = trimmed.rsplit_once('@').ok_or(EmailProblem::NoAt)?;
    if local.is_empty() {
        return Err(EmailProblem::EmptyLocalPart);
    }
    let domain = domain.trim().trim_end_matches('.').to_lowercase();
    let valid = domain.contains('.')
        && !domain.starts_with('.')
        && domain.split('.').all(|label| !label.is_empty())
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    if valid {
        Ok(domain)
    } else {
        Err(EmailProblem::BadDomain)
    }
}

/// The domain if it identifies a company (not free mail), else `None`.
pub fn company_domain(address: &str) -> Option<String> {
    let domain = domain_of(address).ok()?;
    let registrable = domain.strip_prefix("mail.").unwrap_or(&domain).to_string();
    (!FREE_MAIL_DOMAINS.contains(&registrable.as_str())).then_some(registrable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_domains_are_kept_free_mail_is_not() {
        assert_eq!(
            company_domain("Wang.Fang@Hengxin-JX.com.cn ").as_deref(),
            Some("hengxin-jx.com.cn")
        );
        assert_eq!(
            company_domain("<li@mail.huawei.com>").as_deref(),
            Some("huawei.com")
        );
        for free in [
            "a@qq.com",
            "b@163.com",
            "c@126.com",
            "d@gmail.com",
            "e@QQ.COM",
        ] {
            assert_eq!(company_domain(free), None, "{free}");
        }
    }

    #[test]
    fn malformed_addresses_are_reported() {
        assert_eq!(domain_of("no-at-sign"), Err(EmailProblem::NoAt));
        assert_eq!(domain_of("@x.com"), Err(EmailProblem::EmptyLocalPart));
        assert_eq!(domain_of("a@localhost"), Err(EmailProblem::BadDomain));
        assert_eq!(domain_of("a@exa mple.com"), Err(EmailProblem::BadDomain));
    }
}
