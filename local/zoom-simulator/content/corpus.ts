/**
 * The words the simulator's contact center speaks: people, topics, scorecards and a dialogue
 * corpus. Plausible enough that a human reading a transcript in the local demo recognises a
 * support call; varied enough that tests cannot pass by matching one constant string.
 */

export const firstNames = [
  'Ashlee',
  'Rick',
  'Jill',
  'Marcus',
  'Priya',
  'Tomás',
  'Ingrid',
  'Kwame',
  'Mei',
  'Oliver',
  'Fatima',
  'Lars',
  'Sofia',
  'Dmitri',
  'Aiko',
  'Nadia',
  'Jasper',
  'Elena',
  'Hugo',
  'Zara',
] as const;

export const lastNames = [
  'York',
  'Arps',
  'Chill',
  'Okafor',
  'Raman',
  'Duarte',
  'Berg',
  'Mensah',
  'Chen',
  'Hughes',
  'Haddad',
  'Nilsson',
  'Rossi',
  'Volkov',
  'Tanaka',
  'Khan',
  'Moreau',
  'Petrova',
  'Lindqvist',
  'Ade',
] as const;

export const queueNames = [
  'Billing',
  'Technical Support',
  'Sales',
  'Renewals',
  'Claims',
  'Onboarding',
] as const;

export const dispositions = ['Resolved', 'Escalated', 'Callback scheduled', 'Information provided'] as const;

export const predefinedTopics = [
  'Customer Complaint',
  'Billing Dispute',
  'Cancellation Request',
  'Upgrade Inquiry',
  'Password Reset',
  'Delivery Delay',
  'Refund Request',
] as const;

export const discoveredTopics = [
  'Mobile app login loop',
  'Invoice address change',
  'Promo code not applied',
  'Router firmware update',
  'Duplicate charge on statement',
] as const;

export const indicators = [
  'Hello',
  'Thank you',
  'Apology',
  'Empathy',
  'Hold request',
  'Escalation',
  'Goodbye',
] as const;

export const nextSteps = [
  'Agent: send the refund confirmation email within 24 hours',
  'Customer: reply with the invoice number from the last statement',
  'Agent: open a ticket with the delivery partner and call back on Friday',
  'Billing: reverse the duplicate charge and notify the customer',
  'Customer: reinstall the app after the update is published',
] as const;

export const goodQuestions = [
  'Could you please describe the issue you are experiencing so we can resolve it as soon as possible?',
  'Which email address is registered on the account?',
  'When did you first notice the charge on your statement?',
  'Is there anything else I can help you with today?',
  'Would a callback tomorrow morning work better for you?',
] as const;

export const repLines = [
  'Thank you for calling, my name is {agent}, how can I help you today?',
  'I am sorry to hear that, let me pull up your account.',
  'Could you confirm the email address on the account for me?',
  'I can see the charge here, it was posted on the third of the month.',
  'I will place you on a short hold while I check with the billing team.',
  'Thank you for holding, I have good news for you.',
  'I have issued the refund, it should appear within five business days.',
  'Is there anything else I can help you with today?',
  'I completely understand how frustrating that must be.',
  'Let me walk you through the steps to reset it.',
] as const;

export const customerLines = [
  'Hi, I was charged twice for my subscription this month.',
  'Sure, it is the one ending in example dot com.',
  'I noticed it yesterday when I checked my bank statement.',
  'Okay, I can hold, no problem.',
  'That is great, thank you so much.',
  'No, that was everything, thanks for your help.',
  'The app keeps logging me out every time I open it.',
  'I already tried restarting it twice this morning.',
  'Can you send me a confirmation by email?',
  'Um, I think the order number is on the receipt somewhere.',
] as const;

export const sectionComments = [
  'Excellent rapport building and professional tone throughout the opening.',
  'Verification was thorough but took longer than needed.',
  'Clear explanation of the resolution and next steps.',
] as const;

export const questionComments = [
  'Agent clearly stated their name and company at the beginning.',
  'Empathy statement used right after the complaint.',
  'Hold was announced and the customer thanked for waiting.',
] as const;

export interface ScorecardOption {
  readonly label: string;
  readonly value: string;
  readonly points: number;
  readonly autoFail: boolean;
}

export interface ScorecardQuestion {
  readonly title: string;
  readonly description: string;
  readonly type: 'Yes/No' | 'Single Choice' | 'Rating Scale';
  readonly options: readonly ScorecardOption[];
  readonly scale?: {
    readonly min: number;
    readonly max: number;
    readonly lowLabel: string;
    readonly highLabel: string;
    readonly hasNaOption: boolean;
  };
}

export interface ScorecardSection {
  readonly name: string;
  readonly weight: number;
  readonly questions: readonly ScorecardQuestion[];
}

export interface Scorecard {
  readonly name: string;
  readonly scoringFormat: 'points' | 'percentage';
  readonly sections: readonly ScorecardSection[];
}

const yesNo = (points: number): ScorecardOption[] => [
  { label: 'Yes', value: 'Yes', points, autoFail: false },
  { label: 'No', value: 'No', points: 0, autoFail: false },
];

const rating = (max: number): ScorecardQuestion['options'] =>
  Array.from({ length: max }, (_, index) => ({
    label: String(index + 1),
    value: String(index + 1),
    points: index + 1,
    autoFail: false,
  }));

export const scorecards: readonly Scorecard[] = [
  {
    name: 'Customer Care',
    scoringFormat: 'percentage',
    sections: [
      {
        name: 'Opening & Greeting',
        weight: 30,
        questions: [
          {
            title: 'Did the agent properly identify themselves?',
            description: 'Name and company stated within the first 15 seconds.',
            type: 'Yes/No',
            options: yesNo(10),
          },
          {
            title: 'Did the agent verify the customer identity?',
            description: 'Two factors checked before account details were discussed.',
            type: 'Yes/No',
            options: [
              { label: 'Yes', value: 'Yes', points: 10, autoFail: false },
              { label: 'No', value: 'No', points: 0, autoFail: true },
            ],
          },
        ],
      },
      {
        name: 'Service Attitude',
        weight: 70,
        questions: [
          {
            title: 'Did the customer service representative demonstrate patience and friendliness?',
            description: "Evaluate the agent's service attitude.",
            type: 'Rating Scale',
            options: rating(5),
            scale: { min: 1, max: 5, lowLabel: 'Poor', highLabel: 'Excellent', hasNaOption: true },
          },
          {
            title: 'How was the problem resolved?',
            description: 'Choose the option that best describes the resolution.',
            type: 'Single Choice',
            options: [
              { label: 'Resolved on the call', value: 'resolved', points: 10, autoFail: false },
              { label: 'Escalated with a clear plan', value: 'escalated', points: 6, autoFail: false },
              { label: 'Not resolved', value: 'unresolved', points: 0, autoFail: false },
            ],
          },
        ],
      },
    ],
  },
  {
    name: 'Compliance Essentials',
    scoringFormat: 'points',
    sections: [
      {
        name: 'Disclosures',
        weight: 50,
        questions: [
          {
            title: 'Was the call recording disclosure read?',
            description: 'Required in every jurisdiction the center serves.',
            type: 'Yes/No',
            options: yesNo(20),
          },
        ],
      },
      {
        name: 'Closing',
        weight: 50,
        questions: [
          {
            title: 'Rate the summary of next steps given to the customer.',
            description: 'Clarity and completeness of the closing summary.',
            type: 'Rating Scale',
            options: rating(10),
            scale: { min: 1, max: 10, lowLabel: 'Unclear', highLabel: 'Complete', hasNaOption: false },
          },
        ],
      },
    ],
  },
];
