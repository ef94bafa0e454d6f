import { createHash, randomBytes } from 'node:crypto';
import { addDays } from '../services/shared/clock';
import { writeAudit, type Actor, type AuditDraft } from '../services/outbox/audit';
import {
  consentDeadlineFor,
  decideTransition,
  isTerminal,
  openClaimKey,
  submissionDeadlineFor,
  type ClaimEvent,
} from '../services/claims/lifecycle';
import { auditActionFor } from '../services/claims/transitions';
import { proposePayout } from '../services/nomination/payout';
import { formatUsd } from '../services/shared/wording';
import type { ClaimStatus, CustomerIdType, PayType, Prisma, PrismaClient, Role } from '../services/db';

/**
 * The fixed ids of the demo data, so that tests, the README and the local chat user picker can rely
 * on them. `users` are Entra object ids (what an activity carries in `from.aadObjectId`);
 * `userIds` are the PartnerUser row ids.
 */
export const DEMO = {
  partnerA: 'partner-a',
  partnerB: 'partner-b',
  tenants: {
    partnerA: '4f1c2b7e-8d3a-4e52-9b61-0c7d5e3a9f21',
    partnerB: '9a6e4d12-3c5b-47f8-a0d9-6b2e1f8c4d73',
    microsoft: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  },
  users: {
    adminA: '00000000-0000-0000-0000-00000000a001',
    userA: '00000000-0000-0000-0000-00000000a002',
    noRoleA: '00000000-0000-0000-0000-00000000a003',
    adminB: '00000000-0000-0000-0000-00000000b001',
  },
  userIds: {
    adminA: 'user-a-admin',
    userA: 'user-a-user',
    noRoleA: 'user-a-norole',
    adminB: 'user-b-admin',
  },
  seller: '00000000-0000-0000-0000-00000000c001',
  sellerId: 'seller-c001',
  locations: {
    seattle: '4105567',
    toronto: '4329981',
    london: '4412290',
    munich: '5201134',
    zurich: '5208840',
  },
  engagements: {
    azureMigrate: 'eng-azure-migrate-modernize',
    copilot: 'eng-m365-copilot-accelerate',
    security: 'eng-security-threat-protection',
    dataAi: 'eng-data-ai-envisioning',
    businessCentral: 'eng-d365-bc-quick-start',
    innovateVariable: 'eng-azure-innovate-variable',
    migrationAssessment: 'eng-cloud-migration-assessment-variable',
  },
  customers: {
    contoso: 'cust-contoso',
    northwind: 'cust-northwind',
    tailspin: 'cust-tailspin',
    woodgrove: 'cust-woodgrove',
    adventureWorks: 'cust-adventure-works',
    litware: 'cust-litware',
    lamna: 'cust-lamna',
    relecloud: 'cust-relecloud',
    wideWorld: 'cust-wide-world',
    coho: 'cust-coho',
    alpine: 'cust-alpine',
    proseware: 'cust-proseware',
    fourthCoffee: 'cust-fourth-coffee',
    graphicDesign: 'cust-graphic-design',
    humongous: 'cust-humongous',
    blueYonder: 'cust-blue-yonder',
    cityPower: 'cust-city-power',
    consolidatedMessenger: 'cust-consolidated-messenger',
    adatum: 'cust-adatum',
    margiesTravel: 'cust-margies-travel',
    wingtip: 'cust-wingtip',
    southridge: 'cust-southridge',
    lucerne: 'cust-lucerne',
    vanArsdel: 'cust-vanarsdel',
    bellows: 'cust-bellows',
    bestForYou: 'cust-best-for-you',
    firstUp: 'cust-first-up',
    lakeshore: 'cust-lakeshore',
    munson: 'cust-munson',
    nod: 'cust-nod',
    fincher: 'cust-fincher',
    fineArt: 'cust-fine-art',
  },
  claims: {
    contosoMigrateCompleted: 'CLM-JVD9R29T',
    northwindSecurityCompleted: 'CLM-9CBV2GVB',
    tailspinCopilotCompleted: 'CLM-7M3C8NAD',
    woodgroveSecurityCompleted: 'CLM-KNYPBK32',
    adventureWorksDataAiCompleted: 'CLM-MPWES62G',
    litwareBusinessCentralCompleted: 'CLM-54RWEWJ0',
    lamnaCopilotCompleted: 'CLM-CSP3HF42',
    relecloudInnovateCompleted: 'CLM-W8WYNKRK',
    wideWorldMigrateCompleted: 'CLM-TMT87T3A',
    contosoSecurityCompleted: 'CLM-PM5CPY8F',
    northwindMigrateRejectedFinal: 'CLM-EWE4EP89',
    alpineMigrateExpired: 'CLM-P9AXW7YC',
    contosoCopilotCanceled: 'CLM-JVX7BE7S',
    fourthCoffeeCopilotDeclined: 'CLM-H3XSQK57',
    contosoDataAiClaimed: 'CLM-0QHXK5GJ',
    tailspinMigrateConsentRequested: 'CLM-N2HQC766',
    woodgroveBusinessCentralClaimed: 'CLM-85Z1RCT8',
    northwindCopilotConsentGranted: 'CLM-QY4WA29C',
    adventureWorksSecurityConsentGranted: 'CLM-5GMP1Q96',
    litwareSecuritySubmitted: 'CLM-57Z1ZAXY',
    wideWorldDataAiRejected: 'CLM-5K9T011T',
    prosewareInnovateAdded: 'CLM-7B25VBDC',
    relecloudAssessmentConsentRequested: 'CLM-6EJ5QZBZ',
    lamnaSecurityClaimed: 'CLM-20RZAQQF',
    humongousSecurityConsentRequested: 'CLM-EJ2MP809',
    graphicDesignBusinessCentralCompleted: 'CLM-XG57BR82',
    contosoCopilotPartnerB: 'CLM-19S2DCF2',
    blueYonderSecurityAdded: 'CLM-40HKN341',
  },
} as const;

/** The demo identities as the local chat page offers them. */
export const DEMO_IDENTITIES: readonly { aadObjectId: string; label: string }[] = [
  { aadObjectId: DEMO.users.adminA, label: 'Adele Vance — Fabrikam Consulting, Incentives admin + Referrals admin' },
  { aadObjectId: DEMO.users.userA, label: 'Alex Wilber — Fabrikam Consulting, Incentives user' },
  { aadObjectId: DEMO.users.noRoleA, label: 'Lee Gu — Fabrikam Consulting, no role' },
  { aadObjectId: DEMO.users.adminB, label: 'Megan Bowen — Trey Research, Incentives admin' },
  { aadObjectId: DEMO.seller, label: 'Diego Siciliani — Microsoft field seller' },
];

type EngagementKey = keyof typeof DEMO.engagements;
type CustomerKey = keyof typeof DEMO.customers;
type LocationKey = keyof typeof DEMO.locations;
type UserKey = keyof typeof DEMO.users;
type Segment = 'ENTERPRISE' | 'CORPORATE' | 'SMB';

export interface DemoCustomer {
  key: CustomerKey;
  id: string;
  name: string;
  segment: Segment;
  /** Registrable domains; every one maps to `tenants[0]` in the directory unless `outsideDirectory`. */
  domains: string[];
  /** `tenants[0]` is the tenant of the domains; any other is not associated with the email domain. */
  tenants: [string, ...string[]];
  tpid: string;
  subscriptions: string[];
  opportunities: { id: string; name: string; valueUsd: number; qualifies?: false }[];
  contact: { name: string; email: string; phone: string };
  outsideDirectory?: true;
  /** Which of `subscriptions` are Dev/Test subscriptions, never eligible. */
  devTestSubscriptions?: number[];
  /** Only the TPID can be eligible: the tenant and subscriptions belong to an out-of-segment subsidiary. */
  onlyTpidEligible?: true;
  heavyAzure?: true;
  alreadyFunded?: EngagementKey[];
  /** Not in the eligibility catalog at all (a brand-new organisation). */
  notInCatalog?: true;
}

const REASON = {
  segment: "Customer is not in the engagement's target segment",
  consumption: "Azure consumption above the engagement's threshold",
  alreadyFunded: 'Customer already received this engagement in the current fiscal year',
  devTest: 'Subscription is a Dev/Test or trial subscription',
  opportunityStage: 'Opportunity is not in a qualifying sales stage (Qualify or later)',
} as const;

interface EngagementSeed {
  key: EngagementKey;
  name: string;
  description: string;
  consentTerms: string;
  payType: PayType;
  consentWindowDays: number;
  submissionWindowDays: number;
  maxActiveClaimsPerCustomer: number;
  /** null: referrals and co-sell are not enabled for the engagement. */
  referralMinDealSizeUsd: number | null;
  idTypes: CustomerIdType[];
  variable?: { tiers: { minOpportunityUsd: number; hourlyRateUsd: number }[]; maxHours: number; payoutCapUsd: number; minOpportunityUsd: number };
  /** FIXED eligibility catalog: who the engagement targets. */
  segments: Segment[];
  consumptionCapped: boolean;
  /** What the partner delivers, as the proof of execution describes it. */
  deliverable: string;
}

const ENGAGEMENTS: readonly EngagementSeed[] = [
  {
    key: 'azureMigrate',
    name: 'Azure Migrate and Modernize',
    description:
      'Assess the customer’s on-premises estate, build a business case and a migration wave plan, and move the first workloads to Azure with the Azure Migrate tooling.',
    consentTerms:
      'I agree that the partner named in this email may carry out an Azure Migrate and Modernize engagement with my organisation, funded by Microsoft, and that Microsoft may share the engagement’s results with that partner and contact me about it.',
    payType: 'FIXED',
    consentWindowDays: 30,
    submissionWindowDays: 90,
    maxActiveClaimsPerCustomer: 2,
    referralMinDealSizeUsd: 25_000,
    idTypes: ['DOMAIN', 'TENANT_ID', 'TPID', 'AZURE_SUBSCRIPTION_ID'],
    segments: ['ENTERPRISE', 'CORPORATE'],
    consumptionCapped: true,
    deliverable: 'Migration assessment, business case and wave 1 migration completed',
  },
  {
    key: 'copilot',
    name: 'Microsoft 365 Copilot Accelerate',
    description:
      'Prepare the customer’s Microsoft 365 tenant for Copilot: data access review, sensitivity labels, a pilot group of up to 300 users and an adoption plan.',
    consentTerms:
      'I agree that the partner named in this email may run a Microsoft 365 Copilot Accelerate engagement in my organisation’s Microsoft 365 tenant, funded by Microsoft, and that Microsoft may share usage insights for the pilot group with that partner.',
    payType: 'FIXED',
    consentWindowDays: 45,
    submissionWindowDays: 120,
    maxActiveClaimsPerCustomer: 1,
    referralMinDealSizeUsd: 10_000,
    idTypes: ['DOMAIN', 'TENANT_ID'],
    segments: ['ENTERPRISE', 'CORPORATE'],
    consumptionCapped: false,
    deliverable: 'Copilot readiness assessment, pilot deployment and adoption plan',
  },
  {
    key: 'security',
    name: 'Security Workshop: Threat Protection',
    description:
      'A threat protection workshop: Microsoft Defender XDR and Sentinel engagement over two weeks, a threat exploration report and a prioritised remediation roadmap.',
    consentTerms:
      'I agree that the partner named in this email may run a Threat Protection security workshop with my organisation, funded by Microsoft, including a time-limited trial of Microsoft security products, and that Microsoft may share the findings with that partner.',
    payType: 'FIXED',
    consentWindowDays: 30,
    submissionWindowDays: 90,
    maxActiveClaimsPerCustomer: 3,
    referralMinDealSizeUsd: null,
    idTypes: ['DOMAIN', 'TENANT_ID', 'TPID'],
    segments: ['ENTERPRISE', 'CORPORATE', 'SMB'],
    consumptionCapped: false,
    deliverable: 'Threat exploration report and remediation roadmap presented to the customer',
  },
  {
    key: 'dataAi',
    name: 'Data & AI Envisioning',
    description:
      'An envisioning workshop that identifies the customer’s highest-value data and AI scenarios on Azure and Microsoft Fabric and ends with a prioritised roadmap.',
    consentTerms:
      'I agree that the partner named in this email may hold a Data & AI Envisioning workshop with my organisation, funded by Microsoft, and that Microsoft may share the resulting roadmap with that partner.',
    payType: 'FIXED',
    consentWindowDays: 21,
    submissionWindowDays: 60,
    maxActiveClaimsPerCustomer: 2,
    referralMinDealSizeUsd: null,
    idTypes: ['TPID', 'AZURE_SUBSCRIPTION_ID'],
    segments: ['ENTERPRISE', 'CORPORATE'],
    consumptionCapped: true,
    deliverable: 'Envisioning workshop held and scenario roadmap delivered',
  },
  {
    key: 'businessCentral',
    name: 'Dynamics 365 Business Central Quick Start',
    description:
      'A fixed-scope quick start that configures Business Central for the customer’s finance and inventory processes and migrates opening balances.',
    consentTerms:
      'I agree that the partner named in this email may deliver a Dynamics 365 Business Central Quick Start to my organisation, funded by Microsoft, and that Microsoft may contact me about the quality of the delivery.',
    payType: 'FIXED',
    consentWindowDays: 30,
    submissionWindowDays: 90,
    maxActiveClaimsPerCustomer: 1,
    referralMinDealSizeUsd: null,
    idTypes: ['DOMAIN', 'TENANT_ID', 'TPID'],
    segments: ['CORPORATE', 'SMB'],
    consumptionCapped: false,
    deliverable: 'Business Central environment configured and opening balances migrated',
  },
  {
    key: 'innovateVariable',
    name: 'Azure Innovate Variable Pay',
    description:
      'Build a proof of concept or pilot of a new application on Azure for a qualified MSX opportunity. The payout depends on the opportunity’s value and the hours agreed.',
    consentTerms:
      'I agree that the partner named in this email may build an Azure proof of concept with my organisation under Azure Innovate, funded by Microsoft for the hours agreed, and that Microsoft may share the opportunity’s progress with that partner.',
    payType: 'VARIABLE',
    consentWindowDays: 30,
    submissionWindowDays: 90,
    maxActiveClaimsPerCustomer: 1,
    referralMinDealSizeUsd: 50_000,
    idTypes: ['MSX_OPPORTUNITY_ID'],
    variable: {
      tiers: [
        { minOpportunityUsd: 0, hourlyRateUsd: 150 },
        { minOpportunityUsd: 100_000, hourlyRateUsd: 175 },
        { minOpportunityUsd: 500_000, hourlyRateUsd: 200 },
      ],
      maxHours: 120,
      payoutCapUsd: 20_000,
      minOpportunityUsd: 0,
    },
    segments: [],
    consumptionCapped: false,
    deliverable: 'Proof of concept built and demonstrated to the customer’s stakeholders',
  },
  {
    key: 'migrationAssessment',
    name: 'Cloud Migration Assessment (variable pay)',
    description:
      'A detailed migration assessment for a qualified MSX opportunity: discovery, dependency mapping, TCO and a landing zone design. Paid per hour, by opportunity tier.',
    consentTerms:
      'I agree that the partner named in this email may perform a Cloud Migration Assessment of my organisation’s environment, funded by Microsoft for the hours agreed, and that Microsoft may share the assessment with that partner.',
    payType: 'VARIABLE',
    consentWindowDays: 45,
    submissionWindowDays: 120,
    maxActiveClaimsPerCustomer: 2,
    referralMinDealSizeUsd: null,
    idTypes: ['MSX_OPPORTUNITY_ID'],
    variable: {
      tiers: [
        { minOpportunityUsd: 0, hourlyRateUsd: 125 },
        { minOpportunityUsd: 250_000, hourlyRateUsd: 160 },
      ],
      maxHours: 80,
      payoutCapUsd: 12_000,
      minOpportunityUsd: 50_000,
    },
    segments: [],
    consumptionCapped: false,
    deliverable: 'Migration assessment, TCO analysis and landing zone design delivered',
  },
];

const PARTNERS = [
  { id: DEMO.partnerA, name: 'Fabrikam Consulting', tenantId: DEMO.tenants.partnerA, evidenceHost: 'fabrikamconsulting.sharepoint.com' },
  { id: DEMO.partnerB, name: 'Trey Research', tenantId: DEMO.tenants.partnerB, evidenceHost: 'treyresearch.sharepoint.com' },
] as const;

const LOCATIONS: readonly { key: LocationKey; partnerId: string; name: string; country: string; enrolledFor: EngagementKey[] | null }[] = [
  {
    key: 'seattle',
    partnerId: DEMO.partnerA,
    name: 'Fabrikam Consulting — Seattle',
    country: 'US',
    enrolledFor: ['azureMigrate', 'copilot', 'security', 'dataAi', 'innovateVariable', 'migrationAssessment'],
  },
  { key: 'toronto', partnerId: DEMO.partnerA, name: 'Fabrikam Consulting — Toronto', country: 'CA', enrolledFor: ['copilot', 'security', 'businessCentral'] },
  { key: 'london', partnerId: DEMO.partnerA, name: 'Fabrikam Consulting — London', country: 'GB', enrolledFor: null },
  {
    key: 'munich',
    partnerId: DEMO.partnerB,
    name: 'Trey Research — Munich',
    country: 'DE',
    enrolledFor: ['azureMigrate', 'copilot', 'security', 'businessCentral', 'innovateVariable'],
  },
  { key: 'zurich', partnerId: DEMO.partnerB, name: 'Trey Research — Zurich', country: 'CH', enrolledFor: ['security', 'dataAi'] },
];

const USERS: readonly {
  key: UserKey;
  partnerId: string;
  tenantId: string;
  displayName: string;
  email: string;
  phone: string;
  roles: Role[];
  lastLocation: LocationKey | null;
}[] = [
  {
    key: 'adminA',
    partnerId: DEMO.partnerA,
    tenantId: DEMO.tenants.partnerA,
    displayName: 'Adele Vance',
    email: 'adele.vance@fabrikamconsulting.com',
    phone: '+1 425 555 0101',
    roles: ['INCENTIVES_ADMIN', 'REFERRALS_ADMIN'],
    lastLocation: 'seattle',
  },
  {
    key: 'userA',
    partnerId: DEMO.partnerA,
    tenantId: DEMO.tenants.partnerA,
    displayName: 'Alex Wilber',
    email: 'alex.wilber@fabrikamconsulting.com',
    phone: '+1 425 555 0102',
    roles: ['INCENTIVES_USER'],
    lastLocation: 'toronto',
  },
  {
    key: 'noRoleA',
    partnerId: DEMO.partnerA,
    tenantId: DEMO.tenants.partnerA,
    displayName: 'Lee Gu',
    email: 'lee.gu@fabrikamconsulting.com',
    phone: '+1 425 555 0103',
    roles: [],
    lastLocation: null,
  },
  {
    key: 'adminB',
    partnerId: DEMO.partnerB,
    tenantId: DEMO.tenants.partnerB,
    displayName: 'Megan Bowen',
    email: 'megan.bowen@treyresearch.net',
    phone: '+49 89 5550 1201',
    roles: ['INCENTIVES_ADMIN'],
    lastLocation: 'munich',
  },
];

const SELLER: { id: string; aadObjectId: string; tenantId: string; displayName: string; email: string; covers: readonly CustomerKey[] } = {
  id: DEMO.sellerId,
  aadObjectId: DEMO.seller,
  tenantId: DEMO.tenants.microsoft,
  displayName: 'Diego Siciliani',
  email: 'diego.siciliani@microsoft.com',
  covers: ['contoso', 'northwind', 'woodgrove', 'relecloud', 'wideWorld'],
};

/** Catalog verdicts that differ from the customer-level rules: per-id eligibility never cascades. */
const ELIGIBILITY_OVERRIDES: readonly {
  engagement: EngagementKey;
  customer: CustomerKey;
  type: CustomerIdType;
  /** Which of the customer's ids of that type (default the first). */
  index?: number;
  eligible: boolean;
  reason: string | null;
}[] = [
  // Lamna's second tenant (its clinical tenant, not behind its email domain) is in Copilot's target segment.
  { engagement: 'copilot', customer: 'lamna', type: 'TENANT_ID', index: 1, eligible: true, reason: null },
  { engagement: 'security', customer: 'tailspin', type: 'TPID', eligible: false, reason: 'Top parent already received this engagement in the current fiscal year' },
  { engagement: 'dataAi', customer: 'adventureWorks', type: 'TPID', eligible: false, reason: REASON.consumption },
];

function customer(seed: Omit<DemoCustomer, 'id'>): DemoCustomer {
  return { ...seed, id: DEMO.customers[seed.key] };
}

/** The demo customers and every id they are known by. */
export const DEMO_CUSTOMERS: readonly DemoCustomer[] = [
  customer({
    key: 'contoso',
    name: 'Contoso Ltd',
    segment: 'ENTERPRISE',
    domains: ['contoso.com', 'contoso.co.uk'],
    tenants: ['09b94c3f-86da-415e-91dd-529c5b532752'],
    tpid: '64332379',
    subscriptions: ['a5d4edeb-0c49-4989-b922-9ff9adfdebef', 'ae886251-f84e-4838-a3ab-9b0ce45ee321'],
    opportunities: [{ id: '7-20BP9XA6DQ', name: 'Contoso – SAP on Azure landing zone', valueUsd: 850_000 }],
    contact: { name: 'Patti Fernandez', email: 'patti.fernandez@contoso.com', phone: '+1 206 555 0141' },
    devTestSubscriptions: [1],
  }),
  customer({
    key: 'northwind',
    name: 'Northwind Traders',
    segment: 'CORPORATE',
    domains: ['northwindtraders.com'],
    tenants: ['8c98d173-ed07-4a2a-b3d2-337b689e9000'],
    tpid: '61609804',
    subscriptions: ['0e820ce9-622e-43f5-8db2-5bbe6935f844', '52ac0b6b-114a-4e2f-91d6-9d2149298e6d'],
    opportunities: [{ id: '7-C65XMGU3KD', name: 'Northwind – Order management modernization', valueUsd: 140_000 }],
    contact: { name: 'Nestor Wilke', email: 'nestor.wilke@northwindtraders.com', phone: '+1 312 555 0142' },
    devTestSubscriptions: [1],
  }),
  customer({
    key: 'tailspin',
    name: 'Tailspin Toys',
    segment: 'CORPORATE',
    domains: ['tailspintoys.com'],
    tenants: ['0c14452d-9cf7-4c4c-b018-d011f04b2fd2'],
    tpid: '74282913',
    subscriptions: ['4eabab48-6587-446d-beff-30f172f63872'],
    opportunities: [],
    contact: { name: 'Grady Archie', email: 'grady.archie@tailspintoys.com', phone: '+1 503 555 0143' },
  }),
  customer({
    key: 'woodgrove',
    name: 'Woodgrove Bank',
    segment: 'CORPORATE',
    domains: ['woodgrovebank.com'],
    tenants: ['64ce2f0d-6abf-4c7e-a4e1-d5ac685a5956'],
    tpid: '11520025',
    subscriptions: ['29af06de-feca-4562-9184-a8a6e42f0c79'],
    opportunities: [{ id: '7-D61R0GKLYS', name: 'Woodgrove – Fraud analytics platform', valueUsd: 310_000 }],
    contact: { name: 'Isaiah Langer', email: 'isaiah.langer@woodgrovebank.com', phone: '+1 212 555 0144' },
    onlyTpidEligible: true,
  }),
  customer({
    key: 'adventureWorks',
    name: 'Adventure Works Cycles',
    segment: 'CORPORATE',
    domains: ['adventure-works.com'],
    tenants: ['debed1c3-bb14-4552-bc93-4966ee52de88'],
    tpid: '49914541',
    subscriptions: ['a6061dbf-e60b-40c4-9004-5b6ca9041e30', '3c462162-583f-4c33-86ae-6ff23e4b4ae3'],
    opportunities: [],
    contact: { name: 'Pradeep Gupta', email: 'pradeep.gupta@adventure-works.com', phone: '+1 425 555 0145' },
  }),
  customer({
    key: 'litware',
    name: 'Litware Inc',
    segment: 'SMB',
    domains: ['litwareinc.com'],
    tenants: ['7af820c9-5160-4bdc-960e-29d71c0905e8'],
    tpid: '31595470',
    subscriptions: ['875390d5-e629-49b9-8531-712b412c3c03'],
    opportunities: [],
    contact: { name: 'Lynne Robbins', email: 'lynne.robbins@litwareinc.com', phone: '+1 617 555 0146' },
  }),
  customer({
    key: 'lamna',
    name: 'Lamna Healthcare Company',
    segment: 'SMB',
    domains: ['lamnahealthcare.com'],
    tenants: ['17199103-aa4f-4f20-b8b9-5d136bcddd72', 'b1880d96-75e1-4561-bcc4-9e37eec85179'],
    tpid: '15957400',
    subscriptions: ['f842207b-cc10-40d7-86a1-e07fcb56047e'],
    opportunities: [],
    contact: { name: 'Johanna Lorenz', email: 'johanna.lorenz@lamnahealthcare.com', phone: '+1 615 555 0147' },
  }),
  customer({
    key: 'relecloud',
    name: 'Relecloud',
    segment: 'ENTERPRISE',
    domains: ['relecloud.com'],
    tenants: ['22a200a7-e006-494a-a520-3251b3f00730'],
    tpid: '64714835',
    subscriptions: ['35b2bdf2-4913-49b9-84f1-e47a07319429', 'e18a1e7b-0caf-4d1b-bd36-3faeb03c527b'],
    opportunities: [
      { id: '7-NAR0CF4JAF', name: 'Relecloud – AKS platform modernization', valueUsd: 620_000 },
      { id: '7-9LN8U3ZCDX', name: 'Relecloud – Data estate migration', valueUsd: 180_000 },
    ],
    contact: { name: 'Miriam Graham', email: 'miriam.graham@relecloud.com', phone: '+1 408 555 0148' },
    heavyAzure: true,
  }),
  customer({
    key: 'wideWorld',
    name: 'Wide World Importers',
    segment: 'ENTERPRISE',
    domains: ['wideworldimporters.com'],
    tenants: ['1235e0af-2636-4ec3-9bab-52f0169ffffa'],
    tpid: '73508754',
    subscriptions: ['7546882f-d70c-486f-b73f-498dd718bd4b', '6cd60fdb-3ae6-4a2c-9752-00eb36466ac6'],
    opportunities: [{ id: '7-OZ3OEQ5MFD', name: 'Wide World – Supply chain analytics', valueUsd: 260_000 }],
    contact: { name: 'Joni Sherman', email: 'joni.sherman@wideworldimporters.com', phone: '+1 713 555 0149' },
  }),
  customer({
    key: 'coho',
    name: 'Coho Winery',
    segment: 'SMB',
    domains: ['cohowinery.com'],
    tenants: ['07ff23f7-10f4-494f-bbce-e2c5defcae96'],
    tpid: '38959859',
    subscriptions: ['b1fada58-2d1a-48f4-85eb-ffd90d80b7aa'],
    opportunities: [],
    contact: { name: 'Henrietta Mueller', email: 'henrietta.mueller@cohowinery.com', phone: '+1 707 555 0150' },
    outsideDirectory: true,
  }),
  customer({
    key: 'alpine',
    name: 'Alpine Ski House',
    segment: 'CORPORATE',
    domains: ['alpineskihouse.com'],
    tenants: ['8c1fa89c-967a-4d8a-ae5d-af631308ac39'],
    tpid: '93624013',
    subscriptions: ['c082e67e-f649-447f-a83b-fc810f8f1d3d'],
    opportunities: [],
    contact: { name: 'Irvin Sayers', email: 'irvin.sayers@alpineskihouse.com', phone: '+1 970 555 0151' },
    outsideDirectory: true,
  }),
  customer({
    key: 'proseware',
    name: 'Proseware Inc',
    segment: 'CORPORATE',
    domains: ['proseware.com'],
    tenants: ['8da5a8f9-0af6-45c2-a2bc-07a7d88103d3'],
    tpid: '82042246',
    subscriptions: ['025bbcb0-ec2c-46f1-8922-357291c2cae5'],
    opportunities: [{ id: '7-WE1NA2RXJ5', name: 'Proseware – Document AI pilot', valueUsd: 95_000 }],
    contact: { name: 'Christie Cline', email: 'christie.cline@proseware.com', phone: '+1 919 555 0152' },
  }),
  customer({
    key: 'fourthCoffee',
    name: 'Fourth Coffee',
    segment: 'CORPORATE',
    domains: ['fourthcoffee.com'],
    tenants: ['3f4418c4-0d10-42b2-9263-4b68ffc460d1'],
    tpid: '59899764',
    subscriptions: ['0a074d52-b683-479a-99e5-4b2a3fb8f43f'],
    opportunities: [],
    contact: { name: 'Debra Berger', email: 'debra.berger@fourthcoffee.com', phone: '+1 206 555 0153' },
  }),
  customer({
    key: 'graphicDesign',
    name: 'Graphic Design Institute',
    segment: 'SMB',
    domains: ['graphicdesigninstitute.com'],
    tenants: ['0ee11501-4924-4cbd-84ef-78e7532d0712'],
    tpid: '94726189',
    subscriptions: ['0127e78d-0eb7-4365-a2b2-fbf56b6b7090'],
    opportunities: [],
    contact: { name: 'Emily Braun', email: 'emily.braun@graphicdesigninstitute.com', phone: '+49 30 5550 1154' },
  }),
  customer({
    key: 'humongous',
    name: 'Humongous Insurance',
    segment: 'ENTERPRISE',
    domains: ['humongousinsurance.com'],
    tenants: ['040e694e-b22b-44e3-8ec9-c2b5f80bd9ff'],
    tpid: '45494500',
    subscriptions: ['d10e5bf9-ee18-41eb-a137-368879db2a4d', '3c8c6ef5-df4a-4d2f-bc0b-b75bfb396857'],
    opportunities: [{ id: '7-HIPB9188L8', name: 'Humongous – Claims processing on Azure', valueUsd: 1_200_000 }],
    contact: { name: 'Allan Deyoung', email: 'allan.deyoung@humongousinsurance.com', phone: '+1 860 555 0155' },
    heavyAzure: true,
  }),
  customer({
    key: 'blueYonder',
    name: 'Blue Yonder Airlines',
    segment: 'ENTERPRISE',
    domains: ['blueyonderairlines.com'],
    tenants: ['42ba85d5-0dee-4bba-a143-3599d0ce3873'],
    tpid: '43068326',
    subscriptions: ['2dd886be-5a93-4ef1-9d3d-182fe0c3047b', '0bd68031-940d-4213-b6be-93228dffc556'],
    opportunities: [{ id: '7-3QLU01LRG0', name: 'Blue Yonder – Crew scheduling modernization', valueUsd: 640_000 }],
    contact: { name: 'Enrico Cattaneo', email: 'enrico.cattaneo@blueyonderairlines.com', phone: '+41 44 555 0156' },
  }),
  customer({
    key: 'cityPower',
    name: 'City Power & Light',
    segment: 'ENTERPRISE',
    domains: ['cpandl.com'],
    tenants: ['ffa15285-b4f4-4dd5-9ef3-22464f4eb0ab'],
    tpid: '22053398',
    subscriptions: ['0b2df489-8568-4af8-9a95-e08a5b55f9ee'],
    opportunities: [{ id: '7-QIMLX96595', name: 'City Power & Light – Grid telemetry analytics', valueUsd: 520_000 }],
    contact: { name: 'Megan Connolly', email: 'megan.connolly@cpandl.com', phone: '+1 602 555 0157' },
    heavyAzure: true,
    alreadyFunded: ['security'],
  }),
  customer({
    key: 'consolidatedMessenger',
    name: 'Consolidated Messenger',
    segment: 'CORPORATE',
    domains: ['consolidatedmessenger.com'],
    tenants: ['9d8a42de-8e45-4354-a9f5-46c055145f5c'],
    tpid: '83683347',
    subscriptions: ['c917eb71-682b-4fff-8781-6af30274fd44'],
    opportunities: [],
    contact: { name: 'Ray Sanchez', email: 'ray.sanchez@consolidatedmessenger.com', phone: '+1 404 555 0158' },
  }),
  customer({
    key: 'adatum',
    name: 'A. Datum Corporation',
    segment: 'ENTERPRISE',
    domains: ['adatum.com'],
    tenants: ['f6b5230f-bf1b-4987-9b7f-3a709235e1b1'],
    tpid: '74973197',
    subscriptions: ['95ec28fd-13b8-4a45-9d07-0cca672828a2', 'a3c57fd5-9e92-4379-9dcc-e2ace1fe5023'],
    opportunities: [
      { id: '7-DYRWTGWT6Q', name: 'A. Datum – Research HPC cluster', valueUsd: 330_000 },
      { id: '7-H22XX1UB33', name: 'A. Datum – Lab data platform', valueUsd: 120_000, qualifies: false },
    ],
    contact: { name: 'Sanjay Shah', email: 'sanjay.shah@adatum.com', phone: '+1 858 555 0159' },
  }),
  customer({
    key: 'margiesTravel',
    name: "Margie's Travel",
    segment: 'SMB',
    domains: ['margiestravel.com'],
    tenants: ['756460f5-de51-4ae3-9de4-c45c15737639'],
    tpid: '29005686',
    subscriptions: ['41526f2e-49ad-44e3-9c84-b2d151718aad'],
    opportunities: [],
    contact: { name: 'Margie Shoop', email: 'margie@margiestravel.com', phone: '+1 305 555 0160' },
  }),
  customer({
    key: 'wingtip',
    name: 'Wingtip Toys',
    segment: 'SMB',
    domains: ['wingtiptoys.com'],
    tenants: ['bdacc29c-dcbb-4f9d-87eb-6d5cc377abe3'],
    tpid: '64239628',
    subscriptions: ['a170cb99-fd2d-4e6d-bd82-c1ff17fa9278'],
    opportunities: [],
    contact: { name: 'Kim Akers', email: 'kim.akers@wingtiptoys.com', phone: '+1 801 555 0161' },
    alreadyFunded: ['businessCentral'],
  }),
  customer({
    key: 'southridge',
    name: 'Southridge Video',
    segment: 'CORPORATE',
    domains: ['southridgevideo.com'],
    tenants: ['84990a45-552c-4e5b-aa64-421fbe20c618'],
    tpid: '81299258',
    subscriptions: ['56a8ebe5-83c9-44c1-b968-3eedddc0acf4'],
    opportunities: [{ id: '7-26HT6HP6S4', name: 'Southridge – Media archive to Azure', valueUsd: 75_000 }],
    contact: { name: 'Brian Cox', email: 'brian.cox@southridgevideo.com', phone: '+1 323 555 0162' },
  }),
  customer({
    key: 'lucerne',
    name: 'Lucerne Publishing',
    segment: 'CORPORATE',
    domains: ['lucernepublishing.com'],
    tenants: ['032e5687-bc7c-4670-b942-e400065066d2'],
    tpid: '95615766',
    subscriptions: ['9c3604a1-a192-4062-8692-ca01eba1ae4d'],
    opportunities: [],
    contact: { name: 'Amy Strande', email: 'amy.strande@lucernepublishing.com', phone: '+1 646 555 0163' },
  }),
  customer({
    key: 'vanArsdel',
    name: 'VanArsdel Ltd',
    segment: 'ENTERPRISE',
    domains: ['vanarsdelltd.com'],
    tenants: ['8666551d-a1b9-40b3-9d21-bf43cb71c032'],
    tpid: '60832732',
    subscriptions: ['9a0c25a1-2316-4c59-ab3f-7211431d2140'],
    opportunities: [{ id: '7-3W9G6J6T0E', name: 'VanArsdel – Kiosk app pilot', valueUsd: 30_000 }],
    contact: { name: 'Lidia Holloway', email: 'lidia.holloway@vanarsdelltd.com', phone: '+1 216 555 0164' },
  }),
  customer({
    key: 'bellows',
    name: 'Bellows College',
    segment: 'CORPORATE',
    domains: ['bellowscollege.com'],
    tenants: ['450cf62e-0272-45f8-a106-cac85c6afa8f'],
    tpid: '25035811',
    subscriptions: ['35eac8c9-d1b5-4c43-8bb1-74ee40b1f233'],
    opportunities: [],
    contact: { name: 'Cameron White', email: 'cameron.white@bellowscollege.com', phone: '+1 614 555 0165' },
  }),
  customer({
    key: 'bestForYou',
    name: 'Best For You Organics Company',
    segment: 'SMB',
    domains: ['bestforyouorganic.com'],
    tenants: ['81be52b7-84c7-44e6-b19e-8a0991291a94'],
    tpid: '28292754',
    subscriptions: ['0528f864-cacf-4c2d-abb7-cb7cb2affc17'],
    opportunities: [],
    contact: { name: 'Nora Vega', email: 'nora.vega@bestforyouorganic.com', phone: '+1 541 555 0166' },
  }),
  customer({
    key: 'firstUp',
    name: 'First Up Consultants',
    segment: 'SMB',
    domains: ['firstupconsultants.com'],
    tenants: ['910e3b23-60da-4ea0-b296-888137a3b0f7'],
    tpid: '53677083',
    subscriptions: ['9adf629a-b8a2-4ccd-bf99-45b5ce61d50e'],
    opportunities: [],
    contact: { name: 'Tomas Oliveira', email: 'tomas.oliveira@firstupconsultants.com', phone: '+1 512 555 0167' },
  }),
  customer({
    key: 'lakeshore',
    name: 'Lakeshore Retail',
    segment: 'CORPORATE',
    domains: ['lakeshoreretail.com'],
    tenants: ['6a30af89-d117-4e8a-b0bb-e04f02f551d1'],
    tpid: '37767479',
    subscriptions: ['b9d808de-c8ff-4216-8abd-5b7d18d4b596', '3196e282-0d3e-4685-90b0-23f69437fb0e'],
    opportunities: [{ id: '7-7Y42Y1OUMG', name: 'Lakeshore – Store analytics with Fabric', valueUsd: 210_000 }],
    contact: { name: 'Avery Howard', email: 'avery.howard@lakeshoreretail.com', phone: '+1 414 555 0168' },
    heavyAzure: true,
  }),
  customer({
    key: 'munson',
    name: "Munson's Pickles and Preserves Farm",
    segment: 'SMB',
    domains: ['munsonspickles.com'],
    tenants: ['9a8010a2-0859-4290-b239-52391f8bbe68'],
    tpid: '33329855',
    subscriptions: ['f8cb7f13-07f3-404f-b40c-c65e552e411d'],
    opportunities: [],
    contact: { name: 'Dale Munson', email: 'dale@munsonspickles.com', phone: '+1 802 555 0169' },
  }),
  customer({
    key: 'nod',
    name: 'Nod Publishers',
    segment: 'SMB',
    domains: ['nodpublishers.com'],
    tenants: ['782102e8-2af1-47b0-8e93-ff510eadf419'],
    tpid: '32336974',
    subscriptions: ['84f77042-5840-456e-ba6b-5037f1c50f14'],
    opportunities: [],
    contact: { name: 'Rob Young', email: 'rob.young@nodpublishers.com', phone: '+1 207 555 0170' },
    notInCatalog: true,
  }),
  customer({
    key: 'fincher',
    name: 'Fincher Architects',
    segment: 'SMB',
    domains: ['fincherarchitects.com'],
    tenants: ['b58f076a-06f4-4818-8d09-964e121274a9'],
    tpid: '67028839',
    subscriptions: ['eb37ec85-de4b-4661-af54-ad8fd3f98a46'],
    opportunities: [],
    contact: { name: 'Jeff Hay', email: 'jeff.hay@fincherarchitects.com', phone: '+1 505 555 0171' },
  }),
  customer({
    key: 'fineArt',
    name: 'School of Fine Art',
    segment: 'SMB',
    domains: ['schooloffineart.edu'],
    tenants: ['ecd9a23c-9266-4de7-81ac-6fb6e62d9728'],
    tpid: '51978397',
    subscriptions: ['0efac4bd-6d7c-451e-b18d-7c4d3105b3e9'],
    opportunities: [],
    contact: { name: 'Diane Prescott', email: 'diane.prescott@schooloffineart.edu', phone: '+1 413 555 0172' },
  }),
];

/** How a seeded claim got where it is; every time is in days before the seed's `now`. */
interface ClaimPlan {
  id: string;
  partnerId: string;
  engagement: EngagementKey;
  location: LocationKey;
  customer: CustomerKey;
  idType: CustomerIdType;
  /** Which of the customer's ids of that type (default the first). */
  idIndex?: number;
  friendlyName: string;
  createdBy: UserKey;
  createdDaysAgo: number;
  hours?: number;
  tenantMismatchReason?: string;
  consent?: {
    requestedDaysAgo: number;
    dealSizeUsd: number;
    resentDaysAgo?: number;
    answer?: { response: 'ACCEPTED' | 'DECLINED'; daysAgo: number };
  };
  submittedDaysAgo?: number;
  review?: { outcome: 'COMPLETED' | 'REJECTED' | 'REJECTED_FINAL'; daysAgo: number; note: string };
  expiredDaysAgo?: number;
  canceled?: { daysAgo: number; reason: string };
}

const C = DEMO.claims;
const A = DEMO.partnerA;
const B = DEMO.partnerB;
const accepted = (daysAgo: number) => ({ response: 'ACCEPTED' as const, daysAgo });
const approved = (daysAgo: number) => ({ outcome: 'COMPLETED' as const, daysAgo, note: 'Proof of execution verified; payment released.' });

const CLAIMS: readonly ClaimPlan[] = [
  {
    id: C.contosoMigrateCompleted, partnerId: A, engagement: 'azureMigrate', location: 'seattle', customer: 'contoso', idType: 'DOMAIN',
    friendlyName: 'Contoso – Datacenter exit to Azure', createdBy: 'adminA', createdDaysAgo: 300,
    consent: { requestedDaysAgo: 296, dealSizeUsd: 120_000, answer: accepted(290) }, submittedDaysAgo: 230, review: approved(215),
  },
  {
    id: C.northwindSecurityCompleted, partnerId: A, engagement: 'security', location: 'toronto', customer: 'northwind', idType: 'TENANT_ID',
    friendlyName: 'Northwind – Threat protection workshop', createdBy: 'userA', createdDaysAgo: 280,
    consent: { requestedDaysAgo: 278, dealSizeUsd: 15_000, answer: accepted(271) }, submittedDaysAgo: 230, review: approved(220),
  },
  {
    id: C.tailspinCopilotCompleted, partnerId: A, engagement: 'copilot', location: 'seattle', customer: 'tailspin', idType: 'DOMAIN',
    friendlyName: 'Tailspin – Copilot pilot for sales and marketing', createdBy: 'adminA', createdDaysAgo: 260,
    consent: { requestedDaysAgo: 255, dealSizeUsd: 18_000, resentDaysAgo: 250, answer: accepted(247) }, submittedDaysAgo: 180, review: approved(170),
  },
  {
    id: C.woodgroveSecurityCompleted, partnerId: A, engagement: 'security', location: 'seattle', customer: 'woodgrove', idType: 'TPID',
    friendlyName: 'Woodgrove – Threat protection for retail banking', createdBy: 'adminA', createdDaysAgo: 250,
    consent: { requestedDaysAgo: 249, dealSizeUsd: 40_000, answer: accepted(240) }, submittedDaysAgo: 200, review: approved(190),
  },
  {
    id: C.adventureWorksDataAiCompleted, partnerId: A, engagement: 'dataAi', location: 'seattle', customer: 'adventureWorks', idType: 'AZURE_SUBSCRIPTION_ID',
    friendlyName: 'Adventure Works – Demand forecasting envisioning', createdBy: 'userA', createdDaysAgo: 230,
    consent: { requestedDaysAgo: 228, dealSizeUsd: 25_000, answer: accepted(222) }, submittedDaysAgo: 180, review: approved(170),
  },
  {
    id: C.litwareBusinessCentralCompleted, partnerId: A, engagement: 'businessCentral', location: 'toronto', customer: 'litware', idType: 'DOMAIN',
    friendlyName: 'Litware – Business Central go-live', createdBy: 'userA', createdDaysAgo: 210,
    consent: { requestedDaysAgo: 209, dealSizeUsd: 9_000, answer: accepted(205) }, submittedDaysAgo: 160, review: approved(150),
  },
  {
    id: C.lamnaCopilotCompleted, partnerId: A, engagement: 'copilot', location: 'toronto', customer: 'lamna', idType: 'TENANT_ID', idIndex: 1,
    friendlyName: 'Lamna – Copilot for clinical administration', createdBy: 'adminA', createdDaysAgo: 200,
    tenantMismatchReason: 'Lamna runs its clinical workloads in a separate tenant from the one behind its email domain lamnahealthcare.com.',
    consent: { requestedDaysAgo: 198, dealSizeUsd: 8_000, answer: accepted(190) }, submittedDaysAgo: 120, review: approved(110),
  },
  {
    id: C.relecloudInnovateCompleted, partnerId: A, engagement: 'innovateVariable', location: 'seattle', customer: 'relecloud', idType: 'MSX_OPPORTUNITY_ID',
    friendlyName: 'Relecloud – AKS platform proof of concept', createdBy: 'adminA', createdDaysAgo: 190, hours: 80,
    consent: { requestedDaysAgo: 188, dealSizeUsd: 75_000, answer: accepted(182) }, submittedDaysAgo: 120, review: approved(105),
  },
  {
    id: C.wideWorldMigrateCompleted, partnerId: A, engagement: 'azureMigrate', location: 'seattle', customer: 'wideWorld', idType: 'TENANT_ID',
    friendlyName: 'Wide World – Warehouse systems to Azure', createdBy: 'userA', createdDaysAgo: 180,
    consent: { requestedDaysAgo: 177, dealSizeUsd: 40_000, answer: accepted(170) }, submittedDaysAgo: 100, review: approved(90),
  },
  {
    id: C.northwindMigrateRejectedFinal, partnerId: A, engagement: 'azureMigrate', location: 'seattle', customer: 'northwind', idType: 'TENANT_ID',
    friendlyName: 'Northwind – ERP lift and shift', createdBy: 'adminA', createdDaysAgo: 170,
    consent: { requestedDaysAgo: 168, dealSizeUsd: 20_000, answer: accepted(160) }, submittedDaysAgo: 100,
    review: { outcome: 'REJECTED_FINAL', daysAgo: 85, note: 'The evidence does not show a completed migration of any workload; the claim cannot be resubmitted.' },
  },
  {
    id: C.contosoSecurityCompleted, partnerId: A, engagement: 'security', location: 'seattle', customer: 'contoso', idType: 'DOMAIN',
    friendlyName: 'Contoso – Threat protection workshop', createdBy: 'userA', createdDaysAgo: 160,
    consent: { requestedDaysAgo: 158, dealSizeUsd: 30_000, answer: accepted(150) }, submittedDaysAgo: 95, review: approved(85),
  },
  {
    id: C.alpineMigrateExpired, partnerId: A, engagement: 'azureMigrate', location: 'seattle', customer: 'alpine', idType: 'TPID',
    friendlyName: 'Alpine Ski House – Booking platform migration', createdBy: 'userA', createdDaysAgo: 160, expiredDaysAgo: 130,
  },
  {
    id: C.contosoCopilotCanceled, partnerId: A, engagement: 'copilot', location: 'seattle', customer: 'contoso', idType: 'DOMAIN',
    friendlyName: 'Contoso – Copilot for finance', createdBy: 'adminA', createdDaysAgo: 140,
    canceled: { daysAgo: 133, reason: 'The customer chose to start with the security workshop first.' },
  },
  {
    id: C.fourthCoffeeCopilotDeclined, partnerId: A, engagement: 'copilot', location: 'toronto', customer: 'fourthCoffee', idType: 'DOMAIN',
    friendlyName: 'Fourth Coffee – Copilot pilot for store managers', createdBy: 'userA', createdDaysAgo: 120,
    consent: { requestedDaysAgo: 118, dealSizeUsd: 12_000, answer: { response: 'DECLINED', daysAgo: 110 } },
  },
  {
    id: C.graphicDesignBusinessCentralCompleted, partnerId: B, engagement: 'businessCentral', location: 'munich', customer: 'graphicDesign', idType: 'DOMAIN',
    friendlyName: 'Graphic Design Institute – Finance on Business Central', createdBy: 'adminB', createdDaysAgo: 200,
    consent: { requestedDaysAgo: 198, dealSizeUsd: 7_000, answer: accepted(192) }, submittedDaysAgo: 150, review: approved(140),
  },
  {
    id: C.northwindCopilotConsentGranted, partnerId: A, engagement: 'copilot', location: 'toronto', customer: 'northwind', idType: 'DOMAIN',
    friendlyName: 'Northwind – Copilot for customer service', createdBy: 'adminA', createdDaysAgo: 60,
    consent: { requestedDaysAgo: 55, dealSizeUsd: 45_000, answer: accepted(50) },
  },
  {
    id: C.adventureWorksSecurityConsentGranted, partnerId: A, engagement: 'security', location: 'seattle', customer: 'adventureWorks', idType: 'DOMAIN',
    friendlyName: 'Adventure Works – Threat protection workshop', createdBy: 'userA', createdDaysAgo: 95,
    consent: { requestedDaysAgo: 93, dealSizeUsd: 20_000, answer: accepted(85) },
  },
  {
    id: C.litwareSecuritySubmitted, partnerId: A, engagement: 'security', location: 'toronto', customer: 'litware', idType: 'DOMAIN',
    friendlyName: 'Litware – Threat protection workshop', createdBy: 'userA', createdDaysAgo: 70,
    consent: { requestedDaysAgo: 68, dealSizeUsd: 10_000, answer: accepted(60) }, submittedDaysAgo: 3,
  },
  {
    id: C.wideWorldDataAiRejected, partnerId: A, engagement: 'dataAi', location: 'seattle', customer: 'wideWorld', idType: 'AZURE_SUBSCRIPTION_ID',
    friendlyName: 'Wide World – Supply chain AI envisioning', createdBy: 'adminA', createdDaysAgo: 40,
    consent: { requestedDaysAgo: 38, dealSizeUsd: 50_000, answer: accepted(35) }, submittedDaysAgo: 10,
    review: { outcome: 'REJECTED', daysAgo: 2, note: 'The evidence does not include the envisioning workshop output; attach the workshop report and resubmit.' },
  },
  {
    id: C.woodgroveBusinessCentralClaimed, partnerId: A, engagement: 'businessCentral', location: 'toronto', customer: 'woodgrove', idType: 'TPID',
    friendlyName: 'Woodgrove – Business Central for the leasing subsidiary', createdBy: 'adminA', createdDaysAgo: 27,
  },
  {
    id: C.relecloudAssessmentConsentRequested, partnerId: A, engagement: 'migrationAssessment', location: 'seattle', customer: 'relecloud', idType: 'MSX_OPPORTUNITY_ID', idIndex: 1,
    friendlyName: 'Relecloud – Data estate migration assessment', createdBy: 'adminA', createdDaysAgo: 20, hours: 40,
    consent: { requestedDaysAgo: 18, dealSizeUsd: 180_000, resentDaysAgo: 6 },
  },
  {
    id: C.humongousSecurityConsentRequested, partnerId: A, engagement: 'security', location: 'seattle', customer: 'humongous', idType: 'DOMAIN',
    friendlyName: 'Humongous – Threat protection workshop', createdBy: 'adminA', createdDaysAgo: 15,
    consent: { requestedDaysAgo: 14, dealSizeUsd: 90_000 },
  },
  {
    id: C.tailspinMigrateConsentRequested, partnerId: A, engagement: 'azureMigrate', location: 'seattle', customer: 'tailspin', idType: 'DOMAIN',
    friendlyName: 'Tailspin – E-commerce platform to Azure', createdBy: 'adminA', createdDaysAgo: 12,
    consent: { requestedDaysAgo: 10, dealSizeUsd: 60_000 },
  },
  {
    id: C.contosoCopilotPartnerB, partnerId: B, engagement: 'copilot', location: 'munich', customer: 'contoso', idType: 'DOMAIN',
    friendlyName: 'Contoso Germany – Copilot rollout', createdBy: 'adminB', createdDaysAgo: 9,
    consent: { requestedDaysAgo: 7, dealSizeUsd: 30_000 },
  },
  {
    id: C.lamnaSecurityClaimed, partnerId: A, engagement: 'security', location: 'toronto', customer: 'lamna', idType: 'DOMAIN',
    friendlyName: 'Lamna – Threat protection for patient data', createdBy: 'userA', createdDaysAgo: 8,
  },
  {
    id: C.blueYonderSecurityAdded, partnerId: B, engagement: 'security', location: 'zurich', customer: 'blueYonder', idType: 'TENANT_ID',
    friendlyName: 'Blue Yonder – Threat protection workshop', createdBy: 'adminB', createdDaysAgo: 5,
  },
  {
    id: C.contosoDataAiClaimed, partnerId: A, engagement: 'dataAi', location: 'seattle', customer: 'contoso', idType: 'TPID',
    friendlyName: 'Contoso – Fabric and AI envisioning', createdBy: 'userA', createdDaysAgo: 4,
  },
  {
    id: C.prosewareInnovateAdded, partnerId: A, engagement: 'innovateVariable', location: 'seattle', customer: 'proseware', idType: 'MSX_OPPORTUNITY_ID',
    friendlyName: 'Proseware – Document AI pilot', createdBy: 'userA', createdDaysAgo: 2, hours: 60,
  },
];

function idsOf(c: DemoCustomer, type: CustomerIdType): string[] {
  switch (type) {
    case 'DOMAIN':
      return c.domains;
    case 'TENANT_ID':
      return c.tenants;
    case 'TPID':
      return [c.tpid];
    case 'AZURE_SUBSCRIPTION_ID':
      return c.subscriptions;
    case 'MSX_OPPORTUNITY_ID':
      return c.opportunities.map((o) => o.id);
  }
}

function verdict(e: EngagementSeed, c: DemoCustomer, type: CustomerIdType, value: string): { eligible: boolean; reason: string | null } {
  const override = ELIGIBILITY_OVERRIDES.find(
    (o) => o.engagement === e.key && o.customer === c.key && o.type === type && idsOf(c, type)[o.index ?? 0] === value,
  );
  if (override) return { eligible: override.eligible, reason: override.reason };
  if (e.variable) {
    const opportunity = c.opportunities.find((o) => o.id === value);
    if (opportunity?.qualifies === false) return { eligible: false, reason: REASON.opportunityStage };
    if ((opportunity?.valueUsd ?? 0) < e.variable.minOpportunityUsd) {
      return { eligible: false, reason: `Opportunity value is below the engagement's minimum of ${formatUsd(e.variable.minOpportunityUsd)}` };
    }
    return { eligible: true, reason: null };
  }
  if (c.onlyTpidEligible && type !== 'TPID') return { eligible: false, reason: REASON.segment };
  if (!e.segments.includes(c.segment)) return { eligible: false, reason: REASON.segment };
  if (e.consumptionCapped && c.heavyAzure) return { eligible: false, reason: REASON.consumption };
  if (c.alreadyFunded?.includes(e.key)) return { eligible: false, reason: REASON.alreadyFunded };
  if (type === 'AZURE_SUBSCRIPTION_ID' && c.devTestSubscriptions?.some((i) => c.subscriptions[i] === value)) return { eligible: false, reason: REASON.devTest };
  return { eligible: true, reason: null };
}

interface BuiltClaim {
  claim: Prisma.ClaimCreateManyInput;
  consent: Prisma.ConsentRequestCreateManyInput | null;
  referral: Prisma.ReferralCreateManyInput | null;
  audit: AuditDraft[];
  consentAcceptedAt: Date | null;
}

/**
 * Replays a plan through the claim state machine (services/claims/lifecycle), so a seeded claim is
 * one the application itself could have produced: a step the rules refuse stops the seeding.
 */
function buildClaim(plan: ClaimPlan, now: Date, knownSince: Date | undefined): BuiltClaim {
  const at = (daysAgo: number) => addDays(now, -daysAgo);
  const engagement = lookup(ENGAGEMENTS, plan.engagement);
  const engagementId = DEMO.engagements[plan.engagement];
  const cust = lookup(DEMO_CUSTOMERS, plan.customer);
  const user = lookup(USERS, plan.createdBy);
  const partner = PARTNERS.find((p) => p.id === plan.partnerId);
  if (!partner) throw new Error(`Unknown demo partner ${plan.partnerId}`);
  const idValue = idsOf(cust, plan.idType)[plan.idIndex ?? 0];
  if (!idValue) throw new Error(`Demo customer ${cust.key} has no ${plan.idType} #${plan.idIndex ?? 0}`);

  const createdAt = at(plan.createdDaysAgo);
  // Rule: a customer already known to the partner is claimed, a new one is added.
  const origin = knownSince && knownSince <= createdAt ? 'CLAIMED' : 'ADDED';
  const consentDeadline = consentDeadlineFor(createdAt, engagement);
  const userActor: Actor = { kind: 'USER', id: DEMO.userIds[plan.createdBy] };
  const customerActor: Actor = { kind: 'CUSTOMER', id: cust.contact.email };

  let proposedPayoutUsd: number | null = null;
  if (engagement.variable) {
    const opportunity = cust.opportunities.find((o) => o.id === idValue);
    const proposal = proposePayout(
      { name: engagement.name, hourlyRateTiers: engagement.variable.tiers, maxHours: engagement.variable.maxHours, payoutCapUsd: engagement.variable.payoutCapUsd },
      opportunity?.valueUsd ?? -1,
      plan.hours ?? 0,
    );
    if (!proposal.ok) throw new Error(`Demo claim ${plan.id}: ${proposal.reason}`);
    proposedPayoutUsd = proposal.payoutUsd;
  }

  let status: ClaimStatus = origin;
  let version = 0;
  let updatedAt = createdAt;
  let submissionDeadline: Date | null = null;
  const audit: AuditDraft[] = [
    {
      partnerId: plan.partnerId,
      claimId: plan.id,
      actor: userActor,
      action: origin === 'ADDED' ? 'claim.added' : 'claim.claimed',
      after: { status: origin, engagementId, customerId: cust.id, idType: plan.idType, idValue, locationId: DEMO.locations[plan.location], consentDeadline: consentDeadline.toISOString() },
      at: createdAt,
    },
  ];
  const step = (event: ClaimEvent, when: Date, actor: Actor, changes: Record<string, string | number> = {}) => {
    const decision = decideTransition({ status, consentDeadline, submissionDeadline }, event, when);
    if (!decision.ok) throw new Error(`Demo claim ${plan.id}: ${event} ${when.toISOString()} refused: ${decision.reason}`);
    audit.push({
      partnerId: plan.partnerId,
      claimId: plan.id,
      actor,
      action: auditActionFor(event),
      before: { status, version },
      after: { status: decision.to, version: version + 1, ...changes },
      at: when,
    });
    status = decision.to;
    version += 1;
    updatedAt = when;
  };

  let consent: Prisma.ConsentRequestCreateManyInput | null = null;
  let consentRequestedAt: Date | null = null;
  let consentAnsweredAt: Date | null = null;
  let consentAcceptedAt: Date | null = null;
  let closeReason: string | null = null;
  if (plan.consent) {
    consentRequestedAt = at(plan.consent.requestedDaysAgo);
    step('SEND_CONSENT', consentRequestedAt, userActor, { estimatedDealSizeUsd: plan.consent.dealSizeUsd });
    let lastSentAt = consentRequestedAt;
    if (plan.consent.resentDaysAgo !== undefined) {
      lastSentAt = at(plan.consent.resentDaysAgo);
      step('RESEND_CONSENT', lastSentAt, userActor);
    }
    const answer = plan.consent.answer;
    if (answer) {
      consentAnsweredAt = at(answer.daysAgo);
      if (answer.response === 'ACCEPTED') {
        step('ACCEPT_CONSENT', consentAnsweredAt, customerActor);
        consentAcceptedAt = consentAnsweredAt;
        submissionDeadline = submissionDeadlineFor(consentAnsweredAt, engagement);
      } else {
        closeReason = 'The customer declined consent.';
        step('DECLINE_CONSENT', consentAnsweredAt, customerActor, { closeReason });
      }
    }
    consent = {
      claimId: plan.id,
      // The seeded token is thrown away: a demo consent link only comes from a real (re-)send.
      tokenHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
      expiresAt: consentDeadline,
      firstSentAt: consentRequestedAt,
      lastSentAt,
      sendCount: plan.consent.resentDaysAgo === undefined ? 1 : 2,
      response: answer?.response ?? null,
      respondedAt: consentAnsweredAt,
    };
  }

  const submittedAt = plan.submittedDaysAgo === undefined ? null : at(plan.submittedDaysAgo);
  if (submittedAt) step('SUBMIT', submittedAt, userActor);
  const reviewedAt = plan.review ? at(plan.review.daysAgo) : null;
  if (plan.review && reviewedAt) {
    const event = ({ COMPLETED: 'COMPLETE', REJECTED: 'REJECT', REJECTED_FINAL: 'REJECT_FINAL' } as const)[plan.review.outcome];
    if (plan.review.outcome === 'REJECTED_FINAL') closeReason = plan.review.note;
    step(event, reviewedAt, { kind: 'SYSTEM', id: null }, { reviewNote: plan.review.note });
  }
  if (plan.expiredDaysAgo !== undefined) {
    closeReason = submissionDeadline
      ? `The claim was not submitted within the ${engagement.submissionWindowDays}-day submission window.`
      : `Customer consent was not received within the ${engagement.consentWindowDays}-day consent window.`;
    step('EXPIRE', at(plan.expiredDaysAgo), { kind: 'SYSTEM', id: null }, { closeReason });
  }
  if (plan.canceled) {
    closeReason = plan.canceled.reason;
    step('CANCEL', at(plan.canceled.daysAgo), userActor, { closeReason });
  }

  const terminal = isTerminal(status);
  const closedAt = terminal ? updatedAt : null;
  const referral = buildReferral(plan, engagement, cust, status, consentRequestedAt, consentAcceptedAt, closedAt, audit);
  return {
    claim: {
      id: plan.id,
      partnerId: plan.partnerId,
      engagementId,
      locationId: DEMO.locations[plan.location],
      customerId: cust.id,
      idType: plan.idType,
      idValue,
      friendlyName: plan.friendlyName,
      origin,
      status,
      openClaimKey: terminal ? null : openClaimKey(plan.partnerId, engagementId, cust.id),
      hours: engagement.variable ? (plan.hours ?? null) : null,
      proposedPayoutUsd,
      customerContactName: cust.contact.name,
      customerContactEmail: cust.contact.email,
      customerContactPhone: cust.contact.phone,
      partnerContactName: user.displayName,
      partnerContactEmail: user.email,
      partnerContactPhone: user.phone,
      tenantMismatchReason: plan.tenantMismatchReason ?? null,
      estimatedDealSizeUsd: plan.consent?.dealSizeUsd ?? null,
      disclaimerAcceptedAt: consentRequestedAt,
      consentDeadline,
      submissionDeadline,
      consentRequestedAt,
      consentAnsweredAt,
      submittedAt,
      reviewedAt,
      closedAt,
      closeReason,
      deliverySummary: submittedAt ? `${engagement.deliverable} for ${cust.name}.` : null,
      completionDate: submittedAt ? addDays(submittedAt, -2) : null,
      evidenceLinks: submittedAt
        ? [
            `https://${partner.evidenceHost}/sites/MCI/Shared%20Documents/${plan.id}/proof-of-execution.pdf`,
            `https://${partner.evidenceHost}/sites/MCI/Shared%20Documents/${plan.id}/customer-signoff.pdf`,
          ]
        : undefined,
      reviewNote: plan.review?.note ?? null,
      createdByUserId: DEMO.userIds[plan.createdBy],
      createdAt,
      updatedAt,
      version,
    },
    consent,
    referral,
    audit,
    consentAcceptedAt,
  };
}

/**
 * A partner-led referral once consent is sought on a referral-enabled engagement with a deal size at
 * or above its threshold; upgraded to co-sell when the customer consents and a seller covers its TPID.
 */
function buildReferral(
  plan: ClaimPlan,
  engagement: EngagementSeed,
  cust: DemoCustomer,
  status: ClaimStatus,
  consentRequestedAt: Date | null,
  consentAcceptedAt: Date | null,
  closedAt: Date | null,
  audit: AuditDraft[],
): Prisma.ReferralCreateManyInput | null {
  const dealSizeUsd = plan.consent?.dealSizeUsd;
  if (engagement.referralMinDealSizeUsd === null || !consentRequestedAt || dealSizeUsd === undefined || dealSizeUsd < engagement.referralMinDealSizeUsd) {
    return null;
  }
  const referralId = `REF-${plan.id.slice(4)}`;
  const system: Actor = { kind: 'SYSTEM', id: null };
  // A second after the step that caused it, so the claim's history reads in order.
  const justAfter = (instant: Date) => new Date(instant.getTime() + 1000);
  audit.push({ partnerId: plan.partnerId, claimId: plan.id, actor: system, action: 'referral.created', after: { referralId, dealType: 'PARTNER_LED' }, at: justAfter(consentRequestedAt) });
  const coSell = consentAcceptedAt !== null && SELLER.covers.includes(cust.key);
  if (coSell) {
    audit.push({ partnerId: plan.partnerId, claimId: plan.id, actor: system, action: 'referral.upgraded', after: { referralId, dealType: 'CO_SELL' }, at: justAfter(consentAcceptedAt) });
  }
  const outcome = ((): Pick<Prisma.ReferralCreateManyInput, 'status' | 'substatus'> => {
    switch (status) {
      case 'COMPLETED':
        return { status: 'CLOSED', substatus: 'WON' };
      case 'DECLINED':
        return { status: 'CLOSED', substatus: 'DECLINED' };
      case 'REJECTED_FINAL':
        return { status: 'CLOSED', substatus: 'LOST' };
      case 'EXPIRED':
      case 'CANCELED':
        return { status: 'CLOSED', substatus: 'EXPIRED' };
      default:
        return coSell ? { status: 'ACTIVE', substatus: 'ACCEPTED' } : { status: 'NEW', substatus: consentAcceptedAt ? 'RECEIVED' : 'PENDING' };
    }
  })();
  return {
    id: referralId,
    claimId: plan.id,
    partnerId: plan.partnerId,
    externalId: null,
    dealType: coSell ? 'CO_SELL' : 'PARTNER_LED',
    ...outcome,
    dealSizeUsd,
    createdAt: consentRequestedAt,
    upgradedAt: coSell ? consentAcceptedAt : null,
    updatedAt: closedAt ?? consentAcceptedAt ?? consentRequestedAt,
  };
}

function lookup<K extends string, T extends { key: K }>(rows: readonly T[], key: K): T {
  const row = rows.find((r) => r.key === key);
  if (!row) throw new Error(`Unknown demo key ${key}`);
  return row;
}

export interface DemoSeedSummary {
  partners: number;
  locations: number;
  users: number;
  engagements: number;
  customers: number;
  customerIds: number;
  eligibilityEntries: number;
  knownCustomers: number;
  claims: number;
  openClaims: number;
  referrals: number;
  auditEvents: number;
}

/** True when no partner exists yet: the database has never been seeded (or was reset). */
export async function isDatabaseEmpty(prisma: PrismaClient): Promise<boolean> {
  return (await prisma.partner.findFirst({ select: { id: true } })) === null;
}

/**
 * Inserts the demo catalog, identities and claims in one transaction. Every time is relative to
 * `now` (the injected clock), so deadlines are always ahead of the open claims. Expects an empty
 * database (see `isDatabaseEmpty`; `npm run seed` resets first).
 */
export async function seedDemoData(prisma: PrismaClient, now: Date): Promise<DemoSeedSummary> {
  const since = addDays(now, -400);

  const identifiers = DEMO_CUSTOMERS.flatMap((c) =>
    (['DOMAIN', 'TENANT_ID', 'TPID', 'AZURE_SUBSCRIPTION_ID', 'MSX_OPPORTUNITY_ID'] as const).flatMap((type) =>
      idsOf(c, type).map((value) => ({ type, value, customerId: c.id })),
    ),
  );
  const eligibility = ENGAGEMENTS.flatMap((e) =>
    DEMO_CUSTOMERS.filter((c) => !c.notInCatalog).flatMap((c) =>
      e.idTypes.flatMap((type) =>
        // A domain outside the directory resolves to no tenant, so the catalog cannot key it.
        (type === 'DOMAIN' && c.outsideDirectory ? [] : idsOf(c, type)).map((value) => ({
          engagementId: DEMO.engagements[e.key],
          idType: type,
          idValue: value,
          ...verdict(e, c, type, value),
        })),
      ),
    ),
  );

  // Claims are built oldest first so that each one knows whether its partner already knew the customer.
  const known = new Map<string, { knownSince: Date; firstClaimId: string; customer: DemoCustomer; partnerId: string }>();
  const built: BuiltClaim[] = [];
  for (const plan of [...CLAIMS].sort((a, b) => b.createdDaysAgo - a.createdDaysAgo)) {
    const knownKey = `${plan.partnerId}:${plan.customer}`;
    const claim = buildClaim(plan, now, known.get(knownKey)?.knownSince);
    built.push(claim);
    const acceptedAt = claim.consentAcceptedAt;
    const previous = known.get(knownKey);
    if (acceptedAt && (!previous || acceptedAt < previous.knownSince)) {
      known.set(knownKey, { knownSince: acceptedAt, firstClaimId: plan.id, customer: lookup(DEMO_CUSTOMERS, plan.customer), partnerId: plan.partnerId });
    }
  }

  await prisma.$transaction(
    async (tx) => {
      await tx.partner.createMany({ data: PARTNERS.map((p) => ({ id: p.id, name: p.name, tenantId: p.tenantId, createdAt: since })) });
      await tx.location.createMany({
        data: LOCATIONS.map((l) => ({ id: DEMO.locations[l.key], partnerId: l.partnerId, name: l.name, country: l.country, mciEnrolled: l.enrolledFor !== null, createdAt: since })),
      });
      await tx.engagement.createMany({
        data: ENGAGEMENTS.map((e) => ({
          id: DEMO.engagements[e.key],
          name: e.name,
          description: e.description,
          consentTerms: e.consentTerms,
          payType: e.payType,
          consentWindowDays: e.consentWindowDays,
          submissionWindowDays: e.submissionWindowDays,
          maxActiveClaimsPerCustomer: e.maxActiveClaimsPerCustomer,
          referralsEnabled: e.referralMinDealSizeUsd !== null,
          referralMinDealSizeUsd: e.referralMinDealSizeUsd,
          hourlyRateTiers: e.variable?.tiers,
          maxHours: e.variable?.maxHours ?? null,
          payoutCapUsd: e.variable?.payoutCapUsd ?? null,
          createdAt: since,
        })),
      });
      await tx.engagementIdType.createMany({
        data: ENGAGEMENTS.flatMap((e) => e.idTypes.map((idType) => ({ engagementId: DEMO.engagements[e.key], idType }))),
      });
      await tx.locationEngagement.createMany({
        data: LOCATIONS.flatMap((l) =>
          (l.enrolledFor ?? []).map((e) => ({ locationId: DEMO.locations[l.key], engagementId: DEMO.engagements[e], enrolledAt: since })),
        ),
      });
      await tx.partnerUser.createMany({
        data: USERS.map((u) => ({
          id: DEMO.userIds[u.key],
          partnerId: u.partnerId,
          aadObjectId: DEMO.users[u.key],
          tenantId: u.tenantId,
          displayName: u.displayName,
          email: u.email,
          phone: u.phone,
          lastLocationId: u.lastLocation ? DEMO.locations[u.lastLocation] : null,
          createdAt: since,
        })),
      });
      await tx.userRole.createMany({ data: USERS.flatMap((u) => u.roles.map((role) => ({ userId: DEMO.userIds[u.key], role, grantedAt: since }))) });
      await tx.seller.createMany({
        data: [{ id: SELLER.id, aadObjectId: SELLER.aadObjectId, tenantId: SELLER.tenantId, displayName: SELLER.displayName, email: SELLER.email, createdAt: since }],
      });
      await tx.sellerCoverage.createMany({ data: SELLER.covers.map((key) => ({ sellerId: SELLER.id, tpid: lookup(DEMO_CUSTOMERS, key).tpid })) });

      await tx.customer.createMany({ data: DEMO_CUSTOMERS.map((c) => ({ id: c.id, name: c.name, createdAt: since })) });
      await tx.customerIdentifier.createMany({ data: identifiers });
      await tx.directoryDomain.createMany({
        data: DEMO_CUSTOMERS.filter((c) => !c.outsideDirectory).flatMap((c) => c.domains.map((domain) => ({ domain, tenantId: c.tenants[0] }))),
      });
      await tx.msxOpportunity.createMany({
        data: DEMO_CUSTOMERS.flatMap((c) => c.opportunities.map((o) => ({ id: o.id, customerId: c.id, name: o.name, valueUsd: o.valueUsd, createdAt: since }))),
      });
      await tx.eligibilityEntry.createMany({ data: eligibility });

      await tx.claim.createMany({ data: built.map((b) => b.claim) });
      await tx.consentRequest.createMany({ data: built.flatMap((b) => (b.consent ? [b.consent] : [])) });
      await tx.referral.createMany({ data: built.flatMap((b) => (b.referral ? [b.referral] : [])) });
      await tx.knownCustomer.createMany({
        data: [...known.values()].map((k) => ({ partnerId: k.partnerId, customerId: k.customer.id, name: k.customer.name, firstClaimId: k.firstClaimId, knownSince: k.knownSince })),
      });
      for (const draft of built.flatMap((b) => b.audit).sort((a, b) => a.at.getTime() - b.at.getTime())) {
        await writeAudit(tx, draft);
      }
    },
    { timeout: 120_000, maxWait: 30_000 },
  );

  return {
    partners: PARTNERS.length,
    locations: LOCATIONS.length,
    users: USERS.length,
    engagements: ENGAGEMENTS.length,
    customers: DEMO_CUSTOMERS.length,
    customerIds: identifiers.length,
    eligibilityEntries: eligibility.length,
    knownCustomers: known.size,
    claims: built.length,
    openClaims: built.filter((b) => b.claim.openClaimKey !== null).length,
    referrals: built.filter((b) => b.referral !== null).length,
    auditEvents: built.reduce((sum, b) => sum + b.audit.length, 0),
  };
}
