/** npm run workflow:diagram — prints the case workflow table as a Mermaid state diagram. */
import { toMermaid } from '@shouhu/cases';

process.stdout.write('```mermaid\n' + toMermaid() + '\n```\n');
