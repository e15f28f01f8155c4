/**
 * The body of POST /api/cases/:id/transitions: one class per action, told apart by
 * `action` (a discriminated union), each validated with its own fields only. The
 * fields the workflow table requires are checked by the service after the role,
 * the version and the state (TRANSITION_REQUIRES), so those answers keep their order.
 */
import { applyDecorators, Type as ClassType } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsNotEmpty, IsObject, IsOptional, IsString, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { MaxChars } from '@shouhu/errors';
import { CLOSURE_REASONS, ClosureReason, RISK_LEVELS, RiskLevel } from '../domain';
import { CaseAction, TRANSITION_ACTIONS, TRANSITION_REQUIRES, TransitionAction } from '../workflow';
import { ClosureChecklistInput, PoliceInput } from './case.dto';
import { oneOf, trim } from './validators';

/** Decorators written as they would be stacked above a property (the last one applies first). */
const stacked = (...decorators: PropertyDecorator[]) => applyDecorators(...[...decorators].reverse());

const ActionField = () => stacked(IsIn(TRANSITION_ACTIONS, oneOf(TRANSITION_ACTIONS)));
const VersionField = () => stacked(IsInt(), Min(1), Max(2147483647));
const ReasonField = () => stacked(IsOptional(), Transform(trim), IsString(), IsNotEmpty(), MaxChars(1000));
const RiskLevelField = () => stacked(IsOptional(), IsIn(RISK_LEVELS, oneOf(RISK_LEVELS)));
const UuidField = () => stacked(IsOptional(), IsUUID('all'));
const ClosureReasonField = () => stacked(IsOptional(), IsIn(CLOSURE_REASONS, oneOf(CLOSURE_REASONS)));
const ChecklistField = () =>
  stacked(
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => ClosureChecklistInput),
  );
const NarrativeField = () => stacked(IsOptional(), Transform(trim), IsString(), MaxChars(5000));
const PoliceField = () =>
  stacked(
    IsOptional(),
    IsObject(),
    ValidateNested(),
    Type(() => PoliceInput),
  );

/**
 * Every field any action takes: the shape the OpenAPI document shows (as TransitionDto;
 * which action uses which field is in each description), and the check of a body whose
 * action is none of them, so that 400 names `action` and whatever else is wrong.
 */
@ApiSchema({ name: 'TransitionDto' })
export class TransitionFields {
  @ApiProperty({ enum: TRANSITION_ACTIONS })
  @ActionField()
  action: TransitionAction;

  @ApiProperty({ description: 'the case version the caller last read', minimum: 1, maximum: 2147483647 })
  @VersionField()
  version: number;

  @ApiPropertyOptional()
  @ReasonField()
  reason?: string;

  @ApiPropertyOptional({ enum: RiskLevel, description: 'accept: the confirmed risk level; submit: a new estimate' })
  @RiskLevelField()
  riskLevel?: RiskLevel;

  @ApiPropertyOptional({ format: 'uuid', description: 'accept: who handles the case' })
  @UuidField()
  assigneeId?: string;

  @ApiPropertyOptional({ enum: ClosureReason })
  @ClosureReasonField()
  closureReason?: ClosureReason;

  @ApiPropertyOptional({ type: ClosureChecklistInput })
  @ChecklistField()
  checklist?: ClosureChecklistInput;

  @ApiPropertyOptional({ format: 'uuid', description: 'transfer: the new community' })
  @UuidField()
  communityId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'merge: the case this one duplicates' })
  @UuidField()
  intoCaseId?: string;

  @ApiPropertyOptional({ description: 'submit: completes the first report' })
  @NarrativeField()
  narrative?: string;

  @ApiPropertyOptional({ type: PoliceInput, description: 'submit: police information' })
  @PoliceField()
  police?: PoliceInput;
}

/** What every action carries: the version the caller read and, optionally, a reason (required by some actions). */
abstract class TransitionBase {
  @ActionField()
  action: TransitionAction;

  @VersionField()
  version: number;

  @ReasonField()
  reason?: string;
}

export class SubmitTransition extends TransitionBase {
  declare action: CaseAction.Submit;
  /** A new estimate. */
  @RiskLevelField() riskLevel?: RiskLevel;
  /** Completes the first report. */
  @NarrativeField() narrative?: string;
  @PoliceField() police?: PoliceInput;
}

export class ReturnTransition extends TransitionBase {
  declare action: CaseAction.Return;
}

export class AcceptTransition extends TransitionBase {
  declare action: CaseAction.Accept;
  /** The confirmed risk level. */
  @RiskLevelField() riskLevel?: RiskLevel;
  /** Who handles the case. */
  @UuidField() assigneeId?: string;
}

export class StartInterventionTransition extends TransitionBase {
  declare action: CaseAction.StartIntervention;
}

export class BeginFollowUpTransition extends TransitionBase {
  declare action: CaseAction.BeginFollowUp;
}

export class RequestClosureTransition extends TransitionBase {
  declare action: CaseAction.RequestClosure;
  @ClosureReasonField() closureReason?: ClosureReason;
  @ChecklistField() checklist?: ClosureChecklistInput;
}

export class CloseUnsubstantiatedTransition extends TransitionBase {
  declare action: CaseAction.CloseUnsubstantiated;
}

export class ReopenTransition extends TransitionBase {
  declare action: CaseAction.Reopen;
}

export class TransferTransition extends TransitionBase {
  declare action: CaseAction.Transfer;
  /** The new community. */
  @UuidField() communityId?: string;
}

export class MergeTransition extends TransitionBase {
  declare action: CaseAction.Merge;
  /** The case this one duplicates. */
  @UuidField() intoCaseId?: string;
}

export class EscalateTransition extends TransitionBase {
  declare action: CaseAction.Escalate;
}

/** A transition as validated: one variant per action. */
export type TransitionDto =
  | SubmitTransition
  | ReturnTransition
  | AcceptTransition
  | StartInterventionTransition
  | BeginFollowUpTransition
  | RequestClosureTransition
  | CloseUnsubstantiatedTransition
  | ReopenTransition
  | TransferTransition
  | MergeTransition
  | EscalateTransition;

/** The class that validates each action's body. */
export const TRANSITION_VARIANTS: { readonly [A in TransitionAction]: ClassType<Extract<TransitionDto, { action: A }>> } = {
  [CaseAction.Submit]: SubmitTransition,
  [CaseAction.Return]: ReturnTransition,
  [CaseAction.Accept]: AcceptTransition,
  [CaseAction.StartIntervention]: StartInterventionTransition,
  [CaseAction.BeginFollowUp]: BeginFollowUpTransition,
  [CaseAction.RequestClosure]: RequestClosureTransition,
  [CaseAction.CloseUnsubstantiated]: CloseUnsubstantiatedTransition,
  [CaseAction.Reopen]: ReopenTransition,
  [CaseAction.Transfer]: TransferTransition,
  [CaseAction.Merge]: MergeTransition,
  [CaseAction.Escalate]: EscalateTransition,
};

type RequiredOf<A extends TransitionAction> = (typeof TRANSITION_REQUIRES)[A][number];

/** A transition that carries every field the workflow table requires of its action (non-null). */
export type CompleteTransition<T extends TransitionDto = TransitionDto> = T extends unknown
  ? T & { [K in RequiredOf<T['action']> & keyof T]-?: NonNullable<T[K]> }
  : never;

/** The required fields the transition lacks, in the table's order (null is as good as absent: validation lets null through optional fields). */
export function missingFields(dto: TransitionDto): string[] {
  const required: readonly string[] = TRANSITION_REQUIRES[dto.action];
  return required.filter((field) => Reflect.get(dto, field) == null);
}

export function isComplete(dto: TransitionDto): dto is CompleteTransition {
  return missingFields(dto).length === 0;
}
