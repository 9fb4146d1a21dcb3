//! The tools of the synthetic organisations, with illustrative list prices (shared by the
//! inventory and the scenarios).

/// A tool with an illustrative list price per seat per year, USD.
#[derive(Debug, Clone, Copy)]
pub(super) struct Tool {
    pub(super) name: &'static str,
    pub(super) category: &'static str,
    pub(super) price: u64,
}

const fn tool(name: &'static str, category: &'static str, price: u64) -> Tool {
    Tool {
        name,
        category,
        price,
    }
}

pub(super) const JIRA: Tool = tool("Jira", "issue tracking", 97);
pub(super) const LINEAR: Tool = tool("Linear", "issue tracking", 96);
pub(super) const GITHUB: Tool = tool("GitHub", "source control", 252);
pub(super) const SLACK: Tool = tool("Slack", "chat", 105);
pub(super) const CONFLUENCE: Tool = tool("Confluence", "docs", 69);
pub(super) const NOTION: Tool = tool("Notion", "docs", 120);
pub(super) const GOOGLE_DOCS: Tool = tool("Google Docs", "docs", 86);
pub(super) const GITHUB_ACTIONS: Tool = tool("GitHub Actions", "ci", 48);
pub(super) const CIRCLECI: Tool = tool("CircleCI", "ci", 180);
pub(super) const JENKINS: Tool = tool("Jenkins", "ci", 40);
pub(super) const FIGMA: Tool = tool("Figma", "design", 180);
pub(super) const DATADOG: Tool = tool("Datadog", "monitoring", 372);
pub(super) const GRAFANA: Tool = tool("Grafana", "monitoring", 96);
pub(super) const PRODUCTBOARD: Tool = tool("Productboard", "roadmapping", 240);
pub(super) const AHA: Tool = tool("Aha!", "roadmapping", 708);
