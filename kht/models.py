"""Every core table, imported together so foreign keys between domains resolve."""

from kht.actions.models import Action, MeetingInvitation, Notification
from kht.audit.models import AuditEntry
from kht.auth.models import ApiToken, LoginAttempt, Role, User, UserSession
from kht.automation.models import Rule as AutomationRule
from kht.automation.models import Run as AutomationRun
from kht.competitors.models import Competitor, OpportunityCompetitor
from kht.contacts.models import Contact
from kht.customers.models import Customer, CustomerCategory, CustomerGroup, customer_group_members
from kht.dashboards.models import Dashboard
from kht.db.custom_fields import CustomField
from kht.delivery.models import Delivery, Subscription
from kht.files.models import Attachment
from kht.instance_key import InstanceKey
from kht.jobs.models import ImportMapping, Job, JobInput
from kht.knowledge.models import Article, ArticleCategory, ArticleVersion
from kht.leads.models import Lead
from kht.lifecycle.models import LifecycleStage, LifecycleTransition, StageChange
from kht.lists.models import SavedView
from kht.mail.models import (
    MailAccount,
    MailAccountMember,
    MailCopy,
    MailFolderState,
    MailLink,
    MailMessage,
    MailTemplate,
    MassRecipient,
    MassSend,
    OutgoingFile,
    OutgoingMail,
    Suppression,
)
from kht.marketing.models import Campaign, CampaignAttribution, CampaignCost, CampaignMember
from kht.org.models import (
    Branch,
    BusinessLine,
    CompanySettings,
    Department,
    user_business_lines,
)
from kht.plugins import PluginState
from kht.processes.models import ProcessApproval
from kht.products.models import PriceList, PriceListItem, Product
from kht.reports.models import ReportFavourite
from kht.sales.opportunities.models import Opportunity, OpportunityStageChange
from kht.sales.orders.models import Order, OrderLine, Payment, PaymentPlan
from kht.sales.processes.models import Process, ProcessStage
from kht.sales.quotas.models import Quota
from kht.sales.quotes.models import Quote, QuoteLine, QuoteTemplate
from kht.search.models import SearchDocument
from kht.service.models import (
    Queue,
    QueueMember,
    ServiceDay,
    SlaPolicy,
    Ticket,
    TicketEntry,
)
from kht.settings.models import StoredSettings
from kht.sms.models import SmsGateway, SmsMessage, SmsOptOut, SmsTemplate
from kht.tags.models import RecordTag, Tag
from kht.teams.models import TeamMember
from kht.value.models import CustomerValue, CustomerValuePeers, ValueScore
from kht.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

__all__ = [
    "StoredSettings",
    "Competitor",
    "OpportunityCompetitor",
    "TeamMember",
    "Delivery",
    "Subscription",
    "Dashboard",
    "Article",
    "ArticleCategory",
    "ArticleVersion",
    "MeetingInvitation",
    "InstanceKey",
    "Queue",
    "QueueMember",
    "ServiceDay",
    "SlaPolicy",
    "Ticket",
    "TicketEntry",
    "SmsGateway",
    "SmsMessage",
    "SmsOptOut",
    "SmsTemplate",
    "ReportFavourite",
    "CompanySettings",
    "QuoteTemplate",
    "QuoteLine",
    "Quote",
    "Quota",
    "ProcessStage",
    "ProcessApproval",
    "Campaign",
    "CampaignAttribution",
    "CampaignCost",
    "CampaignMember",
    "Process",
    "PaymentPlan",
    "Payment",
    "OrderLine",
    "Order",
    "OpportunityStageChange",
    "Opportunity",
    "Notification",
    "OutgoingMail",
    "OutgoingFile",
    "MailAccount",
    "MailAccountMember",
    "MailCopy",
    "MailFolderState",
    "MailLink",
    "MailMessage",
    "MailTemplate",
    "MassRecipient",
    "MassSend",
    "Suppression",
    "Action",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "AutomationRule",
    "AutomationRun",
    "Branch",
    "BusinessLine",
    "Contact",
    "CustomField",
    "Customer",
    "CustomerCategory",
    "CustomerGroup",
    "Department",
    "ImportMapping",
    "Job",
    "JobInput",
    "Lead",
    "LifecycleStage",
    "LifecycleTransition",
    "LoginAttempt",
    "PluginState",
    "PriceList",
    "PriceListItem",
    "Product",
    "RecordTag",
    "Role",
    "SavedView",
    "SearchDocument",
    "StageChange",
    "Tag",
    "User",
    "UserSession",
    "customer_group_members",
    "user_business_lines",
    "CustomerValue",
    "CustomerValuePeers",
    "ValueScore",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookSubscription",
]
