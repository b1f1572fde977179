"""Initial schema: every core table and index (generated from vesalius.models).

Revision ID: 0001
Revises:
Create Date: 2026-11-27 05:30:00
"""
from alembic import op
import sqlalchemy as sa
import vesalius.db.types
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.String(length=20), nullable=True),
    sa.Column('action', sa.String(length=30), nullable=False),
    sa.Column('resource_type', sa.String(length=30), nullable=False),
    sa.Column('resource_id', sa.Integer(), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=False),
    sa.Column('ip', sa.String(length=45), nullable=True),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.Column('detail', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_patient_at', ['patient_id', 'at'], unique=False)
        batch_op.create_index('ix_audit_resource', ['resource_type', 'resource_id'], unique=False)
        batch_op.create_index('ix_audit_user_at', ['user_id', 'at'], unique=False)

    op.create_table('locations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_locations')),
    sa.UniqueConstraint('name', name=op.f('uq_locations_name'))
    )
    op.create_table('patients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('given_name', sa.String(length=100), nullable=False),
    sa.Column('family_name', sa.String(length=100), nullable=False),
    sa.Column('preferred_name', sa.String(length=100), nullable=True),
    sa.Column('birth_date', sa.Date(), nullable=True),
    sa.Column('sex', sa.String(length=20), nullable=True),
    sa.Column('gender_identity', sa.String(length=50), nullable=True),
    sa.Column('pronouns', sa.String(length=30), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('mobile', sa.String(length=40), nullable=True),
    sa.Column('address_line1', sa.String(length=200), nullable=True),
    sa.Column('address_line2', sa.String(length=200), nullable=True),
    sa.Column('city', sa.String(length=100), nullable=True),
    sa.Column('region', sa.String(length=100), nullable=True),
    sa.Column('postal_code', sa.String(length=20), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('emergency_contact_name', sa.String(length=200), nullable=True),
    sa.Column('emergency_contact_phone', sa.String(length=40), nullable=True),
    sa.Column('emergency_contact_relationship', sa.String(length=50), nullable=True),
    sa.Column('preferred_contact', sa.String(length=10), nullable=False),
    sa.Column('reminders_email', sa.Boolean(), nullable=False),
    sa.Column('reminders_sms', sa.Boolean(), nullable=False),
    sa.Column('marketing_opt_in', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=20), nullable=True),
    sa.Column('admin_note', sa.Text(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('family_name_key', sa.String(length=254).with_variant(sa.String(length=254, collation='C'), 'postgresql'), nullable=False),
    sa.Column('given_name_key', sa.String(length=254).with_variant(sa.String(length=254, collation='C'), 'postgresql'), nullable=False),
    sa.Column('phone_key', sa.String(length=254).with_variant(sa.String(length=254, collation='C'), 'postgresql'), nullable=True),
    sa.Column('email_key', sa.String(length=254).with_variant(sa.String(length=254, collation='C'), 'postgresql'), nullable=True),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patients'))
    )
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.create_index('ix_patients_birth_date', ['birth_date'], unique=False)
        batch_op.create_index('ix_patients_email_key', ['email_key'], unique=False)
        batch_op.create_index('ix_patients_family_given', ['family_name_key', 'given_name_key'], unique=False)
        batch_op.create_index('ix_patients_given_name_key', ['given_name_key'], unique=False)
        batch_op.create_index('ix_patients_phone_key', ['phone_key'], unique=False)

    op.create_table('payers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('payer_code', sa.String(length=80), nullable=True),
    sa.Column('timed_method', sa.String(length=10), nullable=False),
    sa.Column('modifiers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payers')),
    sa.UniqueConstraint('name', name=op.f('uq_payers_name'))
    )
    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('discipline', sa.String(length=64), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('buffer_minutes', sa.Integer(), nullable=False),
    sa.Column('default_codes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('price', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('late_cancel_fee', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('online_bookable', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services')),
    sa.UniqueConstraint('name', name=op.f('uq_services_name'))
    )
    op.create_table('coverages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.String(length=80), nullable=False),
    sa.Column('group_number', sa.String(length=80), nullable=True),
    sa.Column('plan_name', sa.String(length=200), nullable=True),
    sa.Column('relationship_to_subscriber', sa.String(length=20), nullable=False),
    sa.Column('subscriber_name', sa.String(length=200), nullable=True),
    sa.Column('copay', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('coinsurance_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_coverages_patient_id_patients')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_coverages_payer_id_payers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverages'))
    )
    with op.batch_alter_table('coverages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coverages_patient_id'), ['patient_id'], unique=False)

    op.create_table('fee_schedules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_fee_schedules_payer_id_payers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_schedules'))
    )
    with op.batch_alter_table('fee_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fee_schedules_payer_id'), ['payer_id'], unique=False)

    op.create_table('rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_rooms_location_id_locations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rooms')),
    sa.UniqueConstraint('location_id', 'name', name=op.f('uq_rooms_location_id_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=True),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_users_patient_id_patients')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_users_patient_id'), ['patient_id'], unique=False)

    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('expires_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('appointment_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rrule', sa.String(length=500), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_appointment_series_created_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointment_series'))
    )
    op.create_table('consents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('granted', sa.Boolean(), nullable=False),
    sa.Column('recorded_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_consents_patient_id_patients')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_consents_recorded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consents'))
    )
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consents_patient_id'), ['patient_id'], unique=False)

    op.create_table('fee_schedule_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fee_schedule_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('amount', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['fee_schedule_id'], ['fee_schedules.id'], name=op.f('fk_fee_schedule_entries_fee_schedule_id_fee_schedules')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_schedule_entries')),
    sa.UniqueConstraint('fee_schedule_id', 'code', name=op.f('uq_fee_schedule_entries_fee_schedule_id_code'))
    )
    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('amount', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('refund_of_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_payments_created_by_users')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_payments_patient_id_patients')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_payments_payer_id_payers')),
    sa.ForeignKeyConstraint(['refund_of_id'], ['payments.id'], name=op.f('fk_payments_refund_of_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_patient_id'), ['patient_id'], unique=False)

    op.create_table('practitioners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('disciplines', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('licence_number', sa.String(length=50), nullable=True),
    sa.Column('provider_number', sa.String(length=50), nullable=True),
    sa.Column('npi', sa.String(length=10), nullable=True),
    sa.Column('taxonomy_code', sa.String(length=10), nullable=True),
    sa.Column('default_location_id', sa.Integer(), nullable=True),
    sa.Column('colour', sa.String(length=7), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['default_location_id'], ['locations.id'], name=op.f('fk_practitioners_default_location_id_locations')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_practitioners_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practitioners')),
    sa.UniqueConstraint('user_id', name=op.f('uq_practitioners_user_id'))
    )
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('discipline', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_reason', sa.String(length=200), nullable=True),
    sa.Column('primary_practitioner_id', sa.Integer(), nullable=True),
    sa.Column('referral_source', sa.String(length=100), nullable=True),
    sa.Column('referral_date', sa.Date(), nullable=True),
    sa.Column('referrer_name', sa.String(length=200), nullable=True),
    sa.Column('referrer_npi', sa.String(length=10), nullable=True),
    sa.Column('injury_date', sa.Date(), nullable=True),
    sa.Column('diagnosis_codes', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('coverage_id', sa.Integer(), nullable=True),
    sa.Column('authorised_visits', sa.Integer(), nullable=True),
    sa.Column('authorisation_number', sa.String(length=80), nullable=True),
    sa.Column('plan_of_care_start', sa.Date(), nullable=True),
    sa.Column('plan_of_care_end', sa.Date(), nullable=True),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverages.id'], name=op.f('fk_cases_coverage_id_coverages')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_cases_patient_id_patients')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_cases_payer_id_payers')),
    sa.ForeignKeyConstraint(['primary_practitioner_id'], ['practitioners.id'], name=op.f('fk_cases_primary_practitioner_id_practitioners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cases'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index('ix_cases_patient_status', ['patient_id', 'status'], unique=False)

    op.create_table('time_off',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('start_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_time_off_practitioner_id_practitioners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_off'))
    )
    with op.batch_alter_table('time_off', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_time_off_practitioner_id'), ['practitioner_id'], unique=False)

    op.create_table('working_hours',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('location_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=False),
    sa.Column('end_time', sa.Time(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_working_hours_location_id_locations')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_working_hours_practitioner_id_practitioners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_working_hours'))
    )
    with op.batch_alter_table('working_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_working_hours_location_id'), ['location_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_working_hours_practitioner_id'), ['practitioner_id'], unique=False)

    op.create_table('appointments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('series_id', sa.Integer(), nullable=True),
    sa.Column('start_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('end_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_changed_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('cancel_reason', sa.String(length=300), nullable=True),
    sa.Column('booking_note', sa.String(length=500), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_appointments_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by'], ['users.id'], name=op.f('fk_appointments_created_by_users')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_appointments_location_id_locations')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_appointments_patient_id_patients')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_appointments_practitioner_id_practitioners')),
    sa.ForeignKeyConstraint(['room_id'], ['rooms.id'], name=op.f('fk_appointments_room_id_rooms')),
    sa.ForeignKeyConstraint(['series_id'], ['appointment_series.id'], name=op.f('fk_appointments_series_id_appointment_series')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_appointments_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appointments'))
    )
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.create_index('ix_appointments_case_start', ['case_id', 'start_at'], unique=False)
        batch_op.create_index('ix_appointments_completed', ['status', 'start_at'], unique=False, postgresql_where=sa.text("status = 'completed'"), sqlite_where=sa.text("status = 'completed'"))
        batch_op.create_index('ix_appointments_location_start', ['location_id', 'start_at'], unique=False)
        batch_op.create_index('ix_appointments_patient_start', ['patient_id', 'start_at'], unique=False)
        batch_op.create_index('ix_appointments_practitioner_start', ['practitioner_id', 'start_at'], unique=False)
        batch_op.create_index('ix_appointments_room_start', ['room_id', 'start_at'], unique=False)
        batch_op.create_index('ix_appointments_series', ['series_id'], unique=False)

    op.create_table('notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('practitioner_id', sa.Integer(), nullable=True),
    sa.Column('template_id', sa.String(length=128), nullable=False),
    sa.Column('template_version', sa.Integer(), nullable=False),
    sa.Column('pack', sa.String(length=64), nullable=False),
    sa.Column('pack_version', sa.String(length=40), nullable=True),
    sa.Column('date_of_service', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('document', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('signed_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('signed_by', sa.Integer(), nullable=True),
    sa.Column('content_sha256', sa.String(length=64), nullable=True),
    sa.Column('rendered', sa.Text(), nullable=True),
    sa.Column('error_reason', sa.String(length=500), nullable=True),
    sa.Column('error_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_notes_appointment_id_appointments')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_notes_author_id_users')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_notes_case_id_cases')),
    sa.ForeignKeyConstraint(['error_by'], ['users.id'], name=op.f('fk_notes_error_by_users')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_notes_patient_id_patients')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_notes_practitioner_id_practitioners')),
    sa.ForeignKeyConstraint(['signed_by'], ['users.id'], name=op.f('fk_notes_signed_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notes'))
    )
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notes_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index('ix_notes_case_created', ['case_id', 'created_at'], unique=False)
        batch_op.create_index('ix_notes_patient', ['patient_id'], unique=False)

    op.create_table('waitlist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=True),
    sa.Column('practitioner_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('location_id', sa.Integer(), nullable=True),
    sa.Column('earliest', sa.Date(), nullable=True),
    sa.Column('latest', sa.Date(), nullable=True),
    sa.Column('weekdays', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('part_of_day', sa.String(length=10), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_waitlist_appointment_id_appointments')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_waitlist_case_id_cases')),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_waitlist_location_id_locations')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_waitlist_patient_id_patients')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_waitlist_practitioner_id_practitioners')),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_waitlist_service_id_services')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_waitlist'))
    )
    with op.batch_alter_table('waitlist', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_waitlist_patient_id'), ['patient_id'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('note_id', sa.Integer(), nullable=True),
    sa.Column('practitioner_id', sa.Integer(), nullable=True),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('coverage_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('date_of_service', sa.Date(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('total', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('insurer_portion', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('patient_portion', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('void_reason', sa.String(length=300), nullable=True),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointments.id'], name=op.f('fk_invoices_appointment_id_appointments')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_invoices_case_id_cases')),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverages.id'], name=op.f('fk_invoices_coverage_id_coverages')),
    sa.ForeignKeyConstraint(['note_id'], ['notes.id'], name=op.f('fk_invoices_note_id_notes')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_invoices_patient_id_patients')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_invoices_payer_id_payers')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_invoices_practitioner_id_practitioners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('note_id', name=op.f('uq_invoices_note_id')),
    sa.UniqueConstraint('number', name=op.f('uq_invoices_number'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index('ix_invoices_case', ['case_id'], unique=False)
        batch_op.create_index('ix_invoices_patient', ['patient_id'], unique=False)
        batch_op.create_index('ix_invoices_status_dos', ['status', 'date_of_service'], unique=False)

    op.create_table('measure_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('note_id', sa.Integer(), nullable=True),
    sa.Column('field_path', sa.String(length=130), nullable=True),
    sa.Column('measure_id', sa.String(length=64), nullable=False),
    sa.Column('measure_version', sa.String(length=32), nullable=False),
    sa.Column('pack', sa.String(length=64), nullable=False),
    sa.Column('pack_version', sa.String(length=40), nullable=True),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('responses', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('band', sa.String(length=200), nullable=True),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.Column('subscores', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_measure_results_case_id_cases')),
    sa.ForeignKeyConstraint(['note_id'], ['notes.id'], name=op.f('fk_measure_results_note_id_notes')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_measure_results_patient_id_patients')),
    sa.ForeignKeyConstraint(['recorded_by'], ['users.id'], name=op.f('fk_measure_results_recorded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measure_results'))
    )
    with op.batch_alter_table('measure_results', schema=None) as batch_op:
        batch_op.create_index('ix_measure_results_case_measure', ['case_id', 'measure_id', 'taken_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_results_note_id'), ['note_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measure_results_patient_id'), ['patient_id'], unique=False)

    op.create_table('note_addenda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_note_addenda_author_id_users')),
    sa.ForeignKeyConstraint(['note_id'], ['notes.id'], name=op.f('fk_note_addenda_note_id_notes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_note_addenda'))
    )
    with op.batch_alter_table('note_addenda', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_note_addenda_note_id'), ['note_id'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=True),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=False),
    sa.Column('coverage_id', sa.Integer(), nullable=True),
    sa.Column('practitioner_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('total', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('paid_amount', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('payer_reference', sa.String(length=80), nullable=True),
    sa.Column('status_reason', sa.String(length=300), nullable=True),
    sa.Column('submitted_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_claims_case_id_cases')),
    sa.ForeignKeyConstraint(['coverage_id'], ['coverages.id'], name=op.f('fk_claims_coverage_id_coverages')),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_claims_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['patient_id'], ['patients.id'], name=op.f('fk_claims_patient_id_patients')),
    sa.ForeignKeyConstraint(['payer_id'], ['payers.id'], name=op.f('fk_claims_payer_id_payers')),
    sa.ForeignKeyConstraint(['practitioner_id'], ['practitioners.id'], name=op.f('fk_claims_practitioner_id_practitioners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sa.UniqueConstraint('number', name=op.f('uq_claims_number'))
    )
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claims_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_claims_patient_id'), ['patient_id'], unique=False)
        batch_op.create_index('ix_claims_status', ['status'], unique=False)

    op.create_table('invoice_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('modifiers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=True),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('unit_price', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('amount', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('insurer_amount', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('patient_amount', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('priced', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_invoice_lines_invoice_id_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoice_lines'))
    )
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoice_lines_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('payment_allocations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('payment_id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('portion', sa.String(length=10), nullable=False),
    sa.Column('amount', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('created_at', vesalius.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['invoices.id'], name=op.f('fk_payment_allocations_invoice_id_invoices')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_allocations_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_allocations'))
    )
    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_allocations_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payment_allocations_payment_id'), ['payment_id'], unique=False)

    op.create_table('claim_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('invoice_line_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('modifiers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('amount', vesalius.db.types.Money(precision=12, scale=2), nullable=False),
    sa.Column('date_of_service', sa.Date(), nullable=False),
    sa.Column('diagnosis_pointers', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_lines_claim_id_claims')),
    sa.ForeignKeyConstraint(['invoice_line_id'], ['invoice_lines.id'], name=op.f('fk_claim_lines_invoice_line_id_invoice_lines')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_lines')),
    sa.UniqueConstraint('invoice_line_id', name=op.f('uq_claim_lines_invoice_line_id'))
    )
    with op.batch_alter_table('claim_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_lines_claim_id'), ['claim_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('claim_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_lines_claim_id'))

    op.drop_table('claim_lines')
    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_allocations_payment_id'))
        batch_op.drop_index(batch_op.f('ix_payment_allocations_invoice_id'))

    op.drop_table('payment_allocations')
    with op.batch_alter_table('invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoice_lines_invoice_id'))

    op.drop_table('invoice_lines')
    with op.batch_alter_table('claims', schema=None) as batch_op:
        batch_op.drop_index('ix_claims_status')
        batch_op.drop_index(batch_op.f('ix_claims_patient_id'))
        batch_op.drop_index(batch_op.f('ix_claims_invoice_id'))
        batch_op.drop_index(batch_op.f('ix_claims_case_id'))

    op.drop_table('claims')
    with op.batch_alter_table('note_addenda', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_note_addenda_note_id'))

    op.drop_table('note_addenda')
    with op.batch_alter_table('measure_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measure_results_patient_id'))
        batch_op.drop_index(batch_op.f('ix_measure_results_note_id'))
        batch_op.drop_index('ix_measure_results_case_measure')

    op.drop_table('measure_results')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index('ix_invoices_status_dos')
        batch_op.drop_index('ix_invoices_patient')
        batch_op.drop_index('ix_invoices_case')
        batch_op.drop_index(batch_op.f('ix_invoices_appointment_id'))

    op.drop_table('invoices')
    with op.batch_alter_table('waitlist', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_waitlist_patient_id'))

    op.drop_table('waitlist')
    with op.batch_alter_table('notes', schema=None) as batch_op:
        batch_op.drop_index('ix_notes_patient')
        batch_op.drop_index('ix_notes_case_created')
        batch_op.drop_index(batch_op.f('ix_notes_appointment_id'))

    op.drop_table('notes')
    with op.batch_alter_table('appointments', schema=None) as batch_op:
        batch_op.drop_index('ix_appointments_series')
        batch_op.drop_index('ix_appointments_room_start')
        batch_op.drop_index('ix_appointments_practitioner_start')
        batch_op.drop_index('ix_appointments_patient_start')
        batch_op.drop_index('ix_appointments_location_start')
        batch_op.drop_index('ix_appointments_completed', postgresql_where=sa.text("status = 'completed'"), sqlite_where=sa.text("status = 'completed'"))
        batch_op.drop_index('ix_appointments_case_start')

    op.drop_table('appointments')
    with op.batch_alter_table('working_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_working_hours_practitioner_id'))
        batch_op.drop_index(batch_op.f('ix_working_hours_location_id'))

    op.drop_table('working_hours')
    with op.batch_alter_table('time_off', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_time_off_practitioner_id'))

    op.drop_table('time_off')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index('ix_cases_patient_status')

    op.drop_table('cases')
    op.drop_table('practitioners')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_patient_id'))

    op.drop_table('payments')
    op.drop_table('fee_schedule_entries')
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consents_patient_id'))

    op.drop_table('consents')
    op.drop_table('appointment_series')
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_users_patient_id'))

    op.drop_table('users')
    op.drop_table('rooms')
    with op.batch_alter_table('fee_schedules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fee_schedules_payer_id'))

    op.drop_table('fee_schedules')
    with op.batch_alter_table('coverages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coverages_patient_id'))

    op.drop_table('coverages')
    op.drop_table('services')
    op.drop_table('payers')
    with op.batch_alter_table('patients', schema=None) as batch_op:
        batch_op.drop_index('ix_patients_phone_key')
        batch_op.drop_index('ix_patients_given_name_key')
        batch_op.drop_index('ix_patients_family_given')
        batch_op.drop_index('ix_patients_email_key')
        batch_op.drop_index('ix_patients_birth_date')

    op.drop_table('patients')
    op.drop_table('locations')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_user_at')
        batch_op.drop_index('ix_audit_resource')
        batch_op.drop_index('ix_audit_patient_at')

    op.drop_table('audit_events')
