// source-faker passes the acceptance suite the connector kit exports (the same checks as `sluice test-connector`).
import { defineAcceptanceSuite } from '../../acceptance/suite.js';

defineAcceptanceSuite({ connector: 'source-faker', config: { count: 50 }, invalidConfig: { count: -1 } });
